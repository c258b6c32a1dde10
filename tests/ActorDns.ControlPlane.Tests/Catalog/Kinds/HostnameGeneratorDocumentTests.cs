using ActorDns.ControlPlane.Catalog.Kinds.HostnameGenerator;
using Xunit;

namespace ActorDns.ControlPlane.Tests.Catalog.Kinds;

/// <summary>HostnameGenerator documents: what Kuma accepts and refuses at PUT (kuma-dns.md §4.1, scenario 79).</summary>
public sealed class HostnameGeneratorDocumentTests
{
    private static string Doc(string spec) => $$"""{"type":"HostnameGenerator","name":"g","spec":{{spec}}}""";

    [Theory]
    [InlineData("""{"selector":{"meshService":{"matchLabels":{"app":"web"}}},"template":"{{ .Name }}.{{ .DisplayName }}.{{ .Namespace }}.{{ .Mesh }}.{{ .Zone }}.mesh"}""", "MeshService")]
    [InlineData("""{"selector":{"meshExternalService":{"matchLabels":{}}},"template":"{{ label \"app\" }}.mesh"}""", "MeshExternalService")]
    public void TryParse_ValidDocument_IsAGeneratorOfItsSelectorsType(string spec, string targetType)
    {
        Assert.True(HostnameGeneratorDocument.TryParse("g", Doc(spec), out var generator, out var causes), string.Join("; ", causes));

        Assert.Equal(targetType, generator.TargetType);
    }

    [Theory]
    [InlineData("""{"template":"x.mesh"}""", "spec.selector", "exact one selector (meshService, meshExternalService) must be defined")]
    [InlineData("""{"selector":{"meshService":{},"meshExternalService":{}},"template":"x.mesh"}""", "spec.selector", "exact one selector (meshService, meshExternalService) must be defined")]
    [InlineData("""{"selector":{"meshService":{}},"template":""}""", "spec.template", "must not be empty")]
    [InlineData("""{"selector":{"meshService":{}},"template":"{{ .Name[0 }}.mesh"}""", "spec.template", "couldn't parse template: template: :1: bad character U+005B '['")]
    [InlineData("""{"selector":{"meshService":{}},"template":"x.mesh","extension":{"config":{}}}""", "spec.extension.type", "must not be empty")]
    public void TryParse_Invalid_NamesTheFieldAsKumaDoes(string spec, string field, string message)
    {
        Assert.False(HostnameGeneratorDocument.TryParse("g", Doc(spec), out _, out var causes));

        Assert.Contains(causes, c => c.Field == field && c.Message == message);
    }

    [Theory]
    [InlineData("{{ .Name }}.MESH")]
    [InlineData(".{{ .Name }}.mesh")]
    [InlineData("{{ .Name }}..mesh")]
    [InlineData("{{ .Name }}_svc.mesh")]
    public void TryParse_TemplateRenderingAnInvalidName_IsRefused(string template)
    {
        Assert.False(HostnameGeneratorDocument.TryParse("g", Doc($$$"""{"selector":{"meshService":{}},"template":"{{{template}}}"}"""), out _, out var causes));

        Assert.Contains(causes, c => c.Field == "spec.template" && c.Message.Contains("which is not a valid DNS name", StringComparison.Ordinal));
    }

    [Fact]
    public void ToDocument_OfEachDefault_ReadsBackAsTheSameGenerator()
    {
        foreach (var generator in HostnameGenerator.Defaults)
        {
            var back = HostnameGeneratorDocument.FromStored(HostnameGeneratorDocument.ToDocument(generator))!;

            Assert.Equal(
                (generator.Name, generator.TargetType, generator.Template, generator.ZoneOrigin, generator.CreationTime),
                (back.Name, back.TargetType, back.Template, back.ZoneOrigin, back.CreationTime));
            Assert.Equal(generator.MatchLabels, back.MatchLabels);
        }
    }
}
