using ActorDns.ControlPlane.Catalog.Templates;
using Xunit;

namespace ActorDns.ControlPlane.Tests.Catalog.Templates;

/// <summary>The Go template subset of hostname templates (kuma-dns.md §4.2, scenarios 72–78).</summary>
public sealed class GoTemplateTests
{
    private static readonly Dictionary<string, string> Fields = new(StringComparer.Ordinal)
    {
        ["Name"] = "backend",
        ["DisplayName"] = "backend",
        ["Namespace"] = "my-ns",
        ["Mesh"] = "default",
        ["Zone"] = "zone-1",
    };

    private static string Render(string text, Dictionary<string, string>? labels = null)
    {
        Assert.True(GoTemplate.TryParse(text, out var template, out var parseError), parseError);
        Assert.True(template.TryRender(Fields.GetValueOrDefault, k => labels?.GetValueOrDefault(k), out var result, out var renderError), renderError);
        return result;
    }

    [Theory]
    [InlineData("{{ .Name }}.mesh", "backend.mesh")]
    [InlineData("{{ .Name }}.{{ .Namespace }}.mesh", "backend.my-ns.mesh")]
    [InlineData("{{ .Name }}.{{ .Zone }}.mesh", "backend.zone-1.mesh")]
    [InlineData("{{.DisplayName}}.svc.mesh.local", "backend.svc.mesh.local")]
    [InlineData("{{ .Name }}.{{ .DisplayName }}.{{ .Namespace }}.{{ .Mesh }}.{{ .Zone }}.mesh", "backend.backend.my-ns.default.zone-1.mesh")]
    [InlineData("static.mesh", "static.mesh")]
    [InlineData("a {{- .Name -}} .mesh", "abackend.mesh")]
    public void TryRender_Fields_AreSubstituted(string text, string expected)
    {
        Assert.Equal(expected, Render(text));
    }

    [Fact]
    public void TryRender_Label_IsTheResourcesLabel()
    {
        Assert.Equal("my-app.mesh", Render("""{{ label "app" }}.mesh""", new() { ["app"] = "my-app" }));
    }

    [Fact]
    public void TryRender_MissingLabel_FailsNamingIt()
    {
        Assert.True(GoTemplate.TryParse("""{{ label "app" }}.mesh""", out var template, out _));

        Assert.False(template.TryRender(Fields.GetValueOrDefault, _ => null, out _, out var error));
        Assert.Contains("label app not found", error, StringComparison.Ordinal);
    }

    [Fact]
    public void TryRender_FieldTheDataDoesNotHave_Fails()
    {
        Assert.True(GoTemplate.TryParse("{{ .Port }}.mesh", out var template, out _));

        Assert.False(template.TryRender(Fields.GetValueOrDefault, _ => null, out _, out var error));
        Assert.Contains("can't evaluate field Port", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{{ .Name[0 }}.mesh", "template: :1: bad character U+005B '['")]
    [InlineData("{{ .Name .mesh", "template: :1: unclosed action")]
    [InlineData("{{ }}.mesh", "template: :1: missing value for command")]
    [InlineData("{{ upper .Name }}.mesh", "template: :1: function \"upper\" not defined")]
    [InlineData("{{ label }}.mesh", "template: :1: wrong number of args for label: want 1 got 0")]
    [InlineData("{{ label \"app }}.mesh", "template: :1: unterminated quoted string")]
    public void TryParse_Malformed_FailsAsGoDoes(string text, string error)
    {
        Assert.False(GoTemplate.TryParse(text, out _, out var actual));

        Assert.Equal(error, actual);
    }
}
