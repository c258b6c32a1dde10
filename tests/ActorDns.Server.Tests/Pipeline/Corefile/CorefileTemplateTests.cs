using ActorDns.Server.Pipeline.Corefile;
using ActorDns.Testing;
using Xunit;

namespace ActorDns.Server.Tests.Pipeline.Corefile;

/// <summary>The Go text/template subset of SPEC §4.6: golden renderings, every construct, and errors with positions.</summary>
public sealed class CorefileTemplateTests
{
    private static readonly TemplateValues Values = new(CoreDNSPort: 16001, EnvoyDNSPort: 16002, CoreDNSEmptyPort: 16004, PrometheusPort: 16003, CoreDNSLogging: false);

    [Fact]
    public void Render_KumaDefault_MatchesKumasGolden()
    {
        Assert.Equal(KumaCorefiles.DefaultRendered, CorefileTemplate.Render(KumaCorefiles.Default, "Corefile", Values));
    }

    [Fact]
    public void Render_KumaIpv6DisabledWithLogging_BothBlocksLog()
    {
        var rendered = CorefileTemplate.Render(KumaCorefiles.Ipv6Disabled, "Corefile", Values with { CoreDNSLogging = true });

        Assert.Equal(KumaCorefiles.Ipv6DisabledRenderedWithLogging, rendered);
    }

    public static TheoryData<string, string, string> Constructs() => new()
    {
        { "plain text", "forward . 10.0.0.1", "forward . 10.0.0.1" },
        { "field", "{{.CoreDNSPort}}", "16001" },
        { "bool field", "{{ .CoreDNSLogging }}", "false" },
        { "if false, else", "{{ if .CoreDNSLogging }}log{{ else }}nolog{{ end }}", "nolog" },
        { "if true", "{{ if .CoreDNSPort }}yes{{ end }}", "yes" },
        { "else if chain, one end", "{{ if .CoreDNSLogging }}a{{ else if eq .CoreDNSPort 16001 }}b{{ else }}c{{ end }}", "b" },
        { "nested if", "{{ if .CoreDNSPort }}[{{ if .CoreDNSLogging }}x{{ end }}]{{ end }}", "[]" },
        { "not", "{{ if not .CoreDNSLogging }}quiet{{ end }}", "quiet" },
        { "and, or", "{{ and .CoreDNSPort .CoreDNSLogging }} {{ or .CoreDNSLogging .EnvoyDNSPort }}", "false 16002" },
        { "ne, parenthesised", "{{ if not (ne .PrometheusPort 16003) }}ok{{ end }}", "ok" },
        { "string literal", "{{ \"a\\\"b\" }}", "a\"b" },
        { "comment", "a{{/* gone\nacross lines */}}b", "ab" },
        { "trim markers", "a  \n {{- .CoreDNSPort -}} \n  b", "a16001b" },
        { "trimmed comment", "a \n{{- /* x */ -}}\n b", "ab" },
        { "a dash without space is a number", "{{-3}}", "-3" },
        { "a CoreDNS template field kept for the plugin", "answer \"{{ \"{{ .Name }}\" }} 60 IN A 192.0.2.1\"", "answer \"{{ .Name }} 60 IN A 192.0.2.1\"" },
    };

    [Theory]
    [MemberData(nameof(Constructs))]
    public void Render_Construct_AsGoRendersIt(string caseId, string template, string expected)
    {
        Assert.True(expected == CorefileTemplate.Render(template, "t", Values), caseId);
    }

    public static TheoryData<string, string, int, int, string> Errors() => new()
    {
        { "unknown field", "ok\n  {{ .DnsPort }}", 2, 6, "can't evaluate field DnsPort" },
        { "unclosed action", ".:{{ .CoreDNSPort", 1, 3, "unclosed action" },
        { "if without end", "{{ if .CoreDNSLogging }}\nlog\n", 1, 4, "{{ if }} without {{ end }}" },
        { "end without if", "x\n{{ end }}", 2, 4, "unexpected {{ end }}" },
        { "else twice", "{{ if .CoreDNSLogging }}{{ else }}{{ else }}{{ end }}", 1, 38, "unexpected {{ else }}" },
        { "range", "{{ range .CoreDNSPort }}{{ end }}", 1, 4, "{{ range }} is not supported" },
        { "unknown function", "{{ printf \"%d\" .CoreDNSPort }}", 1, 4, "function \"printf\" not defined" },
        { "variable", "{{ $x := 1 }}", 1, 4, "variables are not supported" },
        { "pipe", "{{ .CoreDNSPort | print }}", 1, 17, "unexpected '|' in action" },
        { "empty action", "{{ }}", 1, 1, "missing value for command" },
        { "unclosed comment", "{{/* never", 1, 1, "unclosed comment" },
        { "comparison of different types", "{{ eq .CoreDNSPort \"16001\" }}", 1, 4, "incompatible types for comparison" },
        { "wrong argument count", "{{ not .CoreDNSPort .EnvoyDNSPort }}", 1, 4, "wrong number of args for not: got 2" },
        { "extra words", "{{ .CoreDNSPort .EnvoyDNSPort }}", 1, 17, "unexpected \".EnvoyDNSPort\" in action" },
        { "unterminated string", "{{ \"abc }}", 1, 4, "unterminated quoted string" },
        { "left paren ends the action (found by fuzzing)", "{{ eq 1 ( }}", 1, 9, "unclosed left paren" },
        { "number out of range", "{{ eq .CoreDNSPort 99999999999 }}", 1, 20, "number 99999999999 out of range" },
    };

    [Theory]
    [MemberData(nameof(Errors))]
    public void Render_Invalid_ErrorWithFileLineColumnAndReason(string caseId, string template, int line, int column, string reason)
    {
        var error = Assert.Throws<CorefileException>(() => CorefileTemplate.Render(template, "/etc/actordns/Corefile", Values));

        Assert.Equal(("/etc/actordns/Corefile", line, column), (error.File, error.Line, error.Column));
        Assert.True(error.Reason.Contains(reason, StringComparison.Ordinal), $"{caseId}: {error.Message}");
        Assert.StartsWith($"/etc/actordns/Corefile:{line}:{column}: ", error.Message, StringComparison.Ordinal);
    }
}
