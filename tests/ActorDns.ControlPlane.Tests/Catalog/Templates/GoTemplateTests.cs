using ActorDns.ControlPlane.Catalog.Templates;
using Xunit;

namespace ActorDns.ControlPlane.Tests.Catalog.Templates;

/// <summary>The Go template subset of hostname and VirtualOutbound templates (kuma-dns.md §4.2, §5.2, scenarios 72–78, 88–92).</summary>
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
    [InlineData("9000", "9000")]
    [InlineData(null, "8080")]
    [InlineData("", "8080")]
    public void TryRender_IfElse_OnAMapOfParameters(string? port, string expected)
    {
        Assert.True(GoTemplate.TryParse("{{if .port}}{{.port}}{{else}}8080{{end}}", out var template, out var error), error);
        var parameters = new Dictionary<string, string>();
        if (port is not null)
        {
            parameters["port"] = port;
        }

        Assert.True(template.TryRender(parameters.GetValueOrDefault, _ => null, out var result, out error, missingField: "<no value>"), error);
        Assert.Equal(expected, result);
    }

    [Fact]
    public void TryRender_MissingMapKey_RendersAsGoDoes()
    {
        Assert.True(GoTemplate.TryParse("{{.svc}}.{{.instance}}", out var template, out _));

        Assert.True(template.TryRender(k => k == "svc" ? "web" : null, _ => null, out var result, out _, missingField: "<no value>"));
        Assert.Equal("web.<no value>", result);
    }

    [Fact]
    public void TryRender_NestedIf_TakesTheInnerBranch()
    {
        Assert.True(GoTemplate.TryParse("{{if .a}}{{if .b}}ab{{else}}a{{end}}{{else}}none{{end}}", out var template, out _));

        Assert.True(template.TryRender(k => k == "a" ? "1" : null, _ => null, out var result, out _, missingField: "<no value>"));
        Assert.Equal("a", result);
    }

    [Theory]
    [InlineData("{{end}}", "template: :1: unexpected {{end}}")]
    [InlineData("{{else}}", "template: :1: unexpected {{else}}")]
    [InlineData("{{if .x}}a", "template: :1: unexpected EOF")]
    [InlineData("{{if}}a{{end}}", "template: :1: missing value for if")]
    public void TryParse_UnbalancedIf_Fails(string text, string error)
    {
        Assert.False(GoTemplate.TryParse(text, out _, out var actual));

        Assert.Equal(error, actual);
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
