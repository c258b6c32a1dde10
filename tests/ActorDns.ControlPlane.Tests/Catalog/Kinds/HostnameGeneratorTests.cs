using ActorDns.ControlPlane.Catalog.Kinds.HostnameGenerator;
using Xunit;

namespace ActorDns.ControlPlane.Tests.Catalog.Kinds;

/// <summary>Kuma's HostnameGenerator (kuma-dns.md §4, scenarios 72–78, 82–83): selection, fields, errors and order.</summary>
public sealed class HostnameGeneratorTests
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private static HostnameGenerator Generator(string template, string type = "MeshService", Dictionary<string, string>? match = null, string name = "g", bool zone = false, int createdAfter = 0) =>
        new(name, type, match ?? [], template, zone, T0.AddSeconds(createdAfter));

    private static (string? Hostname, string? Error) Generate(string template, Dictionary<string, string>? labels = null, string name = "backend") =>
        Generator(template).Generate(name, "default", labels ?? [], "local");

    [Theory]
    [InlineData("{{ .Name }}.{{ .Zone }}.mesh", "backend.local.mesh")]
    [InlineData("{{ .DisplayName }}.mesh", "backend.mesh")]
    [InlineData("{{ .Namespace }}x.mesh", "x.mesh")]
    [InlineData("{{ .Mesh }}.mesh", "default.mesh")]
    public void Generate_WithoutLabels_FieldsFallBack(string template, string expected)
    {
        Assert.Equal((expected, null), Generate(template));
    }

    [Fact]
    public void Generate_Labels_SetDisplayNameNamespaceAndZone()
    {
        var labels = new Dictionary<string, string> { ["kuma.io/display-name"] = "other-name", ["k8s.kuma.io/namespace"] = "my-ns", ["kuma.io/zone"] = "zone-1" };

        Assert.Equal(("other-name.my-ns.zone-1.mesh", null), Generate("{{ .DisplayName }}.{{ .Namespace }}.{{ .Zone }}.mesh", labels, "backend.my-ns"));
    }

    [Fact]
    public void Generate_MissingLabel_IsATemplateError()
    {
        var (hostname, error) = Generate("""{{ label "app" }}.mesh""");

        Assert.Null(hostname);
        Assert.StartsWith("pre evaluation of template with parameters failed", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Generate_UnparsableTemplate_IsACompileError()
    {
        Assert.StartsWith("failed compiling gotemplate error=", Generate("{{ .Name[0 }}.mesh").Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(".{{ .Name }}.mesh", "backend")]
    [InlineData("{{ .Name }}.Mesh", "backend")]
    [InlineData("{{ .Name }}.mesh", "Backend")]
    [InlineData("{{ .Name }}..mesh", "backend")]
    [InlineData("{{ .Name }}_svc.mesh", "backend")]
    public void Generate_NotAnRfc1123Subdomain_IsRejected(string template, string name)
    {
        var (hostname, error) = Generate(template, name: name);

        Assert.Null(hostname);
        Assert.Contains("is not a valid DNS name", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Selects_OnlyItsTypeAndEveryMatchLabel()
    {
        var generator = Generator("x.mesh", "MeshService", new() { ["kuma.io/origin"] = "zone", ["app"] = "web" });

        Assert.True(generator.Selects("MeshService", new Dictionary<string, string> { ["kuma.io/origin"] = "zone", ["app"] = "web", ["extra"] = "1" }));
        Assert.False(generator.Selects("MeshService", new Dictionary<string, string> { ["kuma.io/origin"] = "zone" }));
        Assert.False(generator.Selects("MeshExternalService", new Dictionary<string, string> { ["kuma.io/origin"] = "zone", ["app"] = "web" }));
    }

    [Fact]
    public void InOrder_ZoneOriginFirst_ThenCreationTime_ThenName()
    {
        HostnameGenerator[] generators =
        [
            Generator("a", name: "late", createdAfter: 5),
            Generator("a", name: "b-early", createdAfter: 1),
            Generator("a", name: "a-early", createdAfter: 1),
            Generator("a", name: "zone", zone: true, createdAfter: 9),
        ];

        Assert.Equal(["zone", "a-early", "b-early", "late"], HostnameGenerator.InOrder(generators).Select(g => g.Name));
    }

    [Fact]
    public void Defaults_AreTheUniversalZoneGenerators()
    {
        Assert.Equal(
            [("local-mesh-external-service", "MeshExternalService", "{{ .DisplayName }}.extsvc.mesh.local"), ("local-universal-mesh-service", "MeshService", "{{ .DisplayName }}.svc.mesh.local")],
            HostnameGenerator.Defaults.Select(g => (g.Name, g.TargetType, g.Template)));
        Assert.All(HostnameGenerator.Defaults, g => Assert.True(g.ZoneOrigin && g.MatchLabels.SequenceEqual([new KeyValuePair<string, string>("kuma.io/origin", "zone")])));
    }
}
