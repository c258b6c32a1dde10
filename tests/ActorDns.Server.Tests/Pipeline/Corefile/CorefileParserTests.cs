using ActorDns.Server.Pipeline.Corefile;
using ActorDns.Testing;
using Xunit;

namespace ActorDns.Server.Tests.Pipeline.Corefile;

/// <summary>CoreDNS's Corefile grammar (SPEC §4.6): blocks, keys, directives, nesting, quoting, comments, environment, errors.</summary>
public sealed class CorefileParserTests
{
    private static readonly Func<string, string?> NoEnvironment = _ => null;

    [Fact]
    public void Parse_KumaIpv6DisabledRendered_TwoBlocksWithTheirDirectivesInFileOrder()
    {
        var document = CorefileParser.Parse(KumaCorefiles.Ipv6DisabledRenderedWithLogging, "Corefile", NoEnvironment);

        Assert.Equal(2, document.Blocks.Count);
        var (main, empty) = (document.Blocks[0], document.Blocks[1]);
        Assert.Equal([new ServerKey(".", 16001, 1, 1)], main.Keys);
        Assert.Equal(["template", "forward", "alternate", "prometheus", "errors", "log"], main.Directives.Select(d => d.Name));
        var template = main.Directives[0];
        Assert.Equal(["IN", "AAAA", "."], template.Arguments.Select(a => a.Text));
        Assert.Equal([("rcode", "NOERROR"), ("fallthrough", "")], template.Block.Select(d => (d.Name, string.Join(' ', d.Arguments))));
        Assert.Equal(["NOTIMP,FORMERR,NXDOMAIN,SERVFAIL,REFUSED", ".", "/etc/resolv.conf"], main.Directives[2].Arguments.Select(a => a.Text));
        Assert.Equal((6, 5), (main.Directives[1].Line, main.Directives[1].Column));
        Assert.Equal([new ServerKey(".", 16004, 12, 1)], empty.Keys);
        Assert.Equal(["template", "log"], empty.Directives.Select(d => d.Name));
    }

    public static TheoryData<string, string, string[]> Keys() => new()
    {
        { "root with port", ".:53 {\n}", [".:53"] },
        { "zone without port", "Example.ORG {\n}", ["example.org.:"] },
        { "dns scheme", "dns://mesh:1053 {\n}", ["mesh.:1053"] },
        { "several, spaces and commas", "a.example:53 b.example,c.example {\n}", ["a.example.:53", "b.example.:", "c.example.:"] },
        { "absolute zone", "mesh. {\n}", ["mesh.:"] },
        { "brace on the next line", ".:53\n{\n}", [".:53"] },
    };

    [Theory]
    [MemberData(nameof(Keys))]
    public void Parse_ServerKeys_NormalizedZoneAndPort(string caseId, string corefile, string[] expected)
    {
        var keys = Assert.Single(CorefileParser.Parse(corefile, "Corefile", NoEnvironment).Blocks).Keys;

        Assert.True(expected.SequenceEqual(keys.Select(k => $"{k.Zone}:{k.Port}")), caseId);
    }

    [Fact]
    public void Parse_QuotesCommentsAndEnvironment_AsCoreDnsReadsThem()
    {
        const string Corefile = """
            # a comment line
            .:53 { # after the brace
                template IN A . {
                    answer "{{ .Name }} 60 IN A {$ANSWER_IP}"   # trailing comment
                    match "^a b#c$"
                }
                hosts {
                    "10.0.0.1 quoted\"name"
                }
                forward . {$UPSTREAM}:53 {$UNSET}
            }
            """;
        var environment = new Dictionary<string, string> { ["ANSWER_IP"] = "192.0.2.1", ["UPSTREAM"] = "127.0.0.9" };

        var block = Assert.Single(CorefileParser.Parse(Corefile, "Corefile", environment.GetValueOrDefault).Blocks);

        var template = block.Directives[0];
        Assert.Equal([("answer", "{{ .Name }} 60 IN A 192.0.2.1"), ("match", "^a b#c$")], template.Block.Select(d => (d.Name, d.Arguments.Single().Text)));
        Assert.Equal("10.0.0.1 quoted\"name", block.Directives[1].Block.Single().Name);
        Assert.Equal([".", "127.0.0.9:53", ""], block.Directives[2].Arguments.Select(a => a.Text));
    }

    [Fact]
    public void Parse_ArgumentsOnTheDirectivesLineOnly_NextLineIsANewDirective()
    {
        var block = Assert.Single(CorefileParser.Parse(".:53 {\n  errors\n  log . {\n    class denial\n  }\n  cache 30 mesh\n}", "Corefile", NoEnvironment).Blocks);

        Assert.Equal([("errors", 0, 0), ("log", 1, 1), ("cache", 2, 0)], block.Directives.Select(d => (d.Name, d.Arguments.Count, d.Block.Count)));
        Assert.Equal(["class", "denial"], [block.Directives[1].Block[0].Name, block.Directives[1].Block[0].Arguments[0].Text]);
    }

    public static TheoryData<string, string, int, int, string> Errors() => new()
    {
        { "no brace", ".:53\n  errors\n", 1, 1, "expected '{'" },
        { "unclosed block", ".:53 {\n  errors\n", 1, 6, "'{' is not closed" },
        { "unclosed nested block", ".:53 {\n  template IN A {\n    rcode NXDOMAIN\n}", 1, 6, "'{' is not closed" },
        { "stray close", "}\n", 1, 1, "expected a zone before '}'" },
        { "brace inside a block", ".:53 {\n  {\n  }\n}", 2, 3, "unexpected '{'" },
        { "port not a number", ".:dns {\n}", 1, 1, "port \"dns\" is not a number from 1 to 65535" },
        { "port out of range", "example.org:70000 {\n}", 1, 1, "port \"70000\" is not a number" },
        { "other scheme", "tls://.:853 {\n}", 1, 1, "only dns:// servers are supported" },
        { "network as a zone", "10.0.0.0/24 {\n}", 1, 1, "reverse zones given as a network are not supported" },
        { "empty label", "a..b:53 {\n}", 1, 1, "is not a valid zone" },
        { "non-ASCII zone (found by fuzzing)", "\n  bücher.example:53 {\n}", 2, 3, "is not a valid zone: non-ASCII character" },
        { "same zone and port twice", ".:53 {\n}\n\n.:53 {\n}", 4, 1, ".:53 is already defined at line 1" },
        { "snippet", "(common) {\n}", 1, 1, "snippets and import are not supported" },
        { "unterminated quote", ".:53 {\n  hosts \"10.0.0.1 a\n}\n", 2, 9, "unterminated quoted string" },
        { "unclosed environment reference", ".:53 {\n  forward . {$UP\n}", 2, 13, "environment variable reference is not closed" },
    };

    [Theory]
    [MemberData(nameof(Errors))]
    public void Parse_Invalid_ErrorWithFileLineColumnAndReason(string caseId, string corefile, int line, int column, string reason)
    {
        var error = Assert.Throws<CorefileException>(() => CorefileParser.Parse(corefile, "Corefile", NoEnvironment));

        Assert.Equal(("Corefile", line, column), (error.File, error.Line, error.Column));
        Assert.True(error.Reason.Contains(reason, StringComparison.Ordinal), $"{caseId}: {error.Message}");
    }
}
