using System.Net;
using ActorDns.Protocol;
using ActorDns.Server.Pipeline;
using ActorDns.Server.Pipeline.Corefile;
using ActorDns.Testing;
using Xunit;

namespace ActorDns.Server.Tests.Pipeline.Corefile;

/// <summary>
/// Corefiles compiled into pipelines (SPEC §4.6): Kuma's two documented Corefiles, server-block precedence, the
/// plugins' options and CoreDNS semantics, and every error with its position.
/// </summary>
public sealed class PipelineCompilerTests
{
    [Fact]
    public void Compile_KumaDefault_MeshNameAnsweredOtherNamesToTheSystemUpstreams()
    {
        using var harness = new CorefileHarness(KumaCorefiles.DefaultRendered);

        var (mesh, reply) = harness.Ask("backend.mesh");
        var (other, _) = harness.Ask("www.example.com");
        var (unknown, _) = harness.Ask("nosuch.mesh");

        Assert.Equal(OutcomeKind.Reply, mesh.Kind);
        Assert.Equal([CorefileHarness.BackendVip], reply!.Answers.Select(a => a.AsAddress()));
        Assert.Equal((OutcomeKind.Forward, harness.SystemUpstreams), (other.Kind, other.Route!.Forwarder));
        Assert.Equal((OutcomeKind.Forward, harness.SystemUpstreams), (unknown.Kind, unknown.Route!.Forwarder));
        Assert.Equal([16001], harness.Compiled.Ports.Keys);
    }

    [Theory]
    [InlineData("backend.mesh")]
    [InlineData("www.example.com")]
    public void Compile_KumaIpv6Disabled_EveryAaaaNoErrorEmptyAndAuthoritative(string name)
    {
        using var harness = new CorefileHarness(KumaCorefiles.Ipv6DisabledRenderedWithLogging);

        var (outcome, reply) = harness.Ask(name, DnsRecordType.AAAA);

        Assert.Equal((OutcomeKind.Reply, DnsRcode.NoError), (outcome.Kind, outcome.Rcode));
        Assert.Empty(reply!.Answers);
        Assert.Empty(reply.Authorities);
        Assert.NotEqual(0, reply.Flags & DnsHeaderFlags.AA);
    }

    [Fact]
    public void Compile_KumaIpv6Disabled_AForAMeshNameStillTheVip()
    {
        using var harness = new CorefileHarness(KumaCorefiles.Ipv6DisabledRenderedWithLogging);

        var (_, reply) = harness.Ask("backend.mesh");

        Assert.Equal([CorefileHarness.BackendVip], reply!.Answers.Select(a => a.AsAddress()));
    }

    [Theory]
    [InlineData("backend.mesh", DnsRecordType.A)]
    [InlineData("www.example.com", DnsRecordType.AAAA)]
    [InlineData("example.org", DnsRecordType.TXT)]
    public void Compile_KumaIpv6Disabled_EmptyPortBlockNxdomainForEverything(string name, DnsRecordType type)
    {
        using var harness = new CorefileHarness(KumaCorefiles.Ipv6DisabledRenderedWithLogging);

        var (outcome, reply) = harness.Ask(name, type, port: 16004);

        Assert.Equal((OutcomeKind.Reply, DnsRcode.NXDomain), (outcome.Kind, outcome.Rcode));
        Assert.Empty(reply!.Answers);
    }

    [Theory]
    [InlineData("www.example.org", "192.0.2.2")]
    [InlineData("a.b.example.org", "192.0.2.3")]
    [InlineData("example.com", "192.0.2.1")]
    public void Compile_ServerBlocks_LongestZoneWins(string name, string expected)
    {
        const string Corefile = """
            .:16001 {
                template IN A {
                    answer "{{ .Name }} 60 IN A 192.0.2.1"
                }
            }
            example.org:16001 {
                template IN A {
                    answer "{{ .Name }} 60 IN A 192.0.2.2"
                }
            }
            b.example.org:16001 {
                template IN A {
                    answer "{{ .Name }} 60 IN A 192.0.2.3"
                }
            }
            """;
        using var harness = new CorefileHarness(Corefile);

        var (_, reply) = harness.Ask(name);

        Assert.Equal([IPAddress.Parse(expected)], reply!.Answers.Select(a => a.AsAddress()));
    }

    [Fact]
    public void Compile_ServerBlocks_NameOfNoZone_Refused()
    {
        using var harness = new CorefileHarness("example.org:16001 {\n forward . 127.0.0.1:16002\n}");

        var (outcome, _) = harness.Ask("www.example.com");

        Assert.Equal((OutcomeKind.Reply, DnsRcode.Refused), (outcome.Kind, outcome.Rcode));
    }

    [Fact]
    public void Compile_Template_AnswerOwnerIsTheQuestionInItsCase_AuthorityAndAdditionalWritten()
    {
        const string Corefile = """
            .:16001 {
                template IN A example.org {
                    match "^www[.]"
                    answer "{{ .Name }} 30 IN A 192.0.2.9"
                    authority "example.org. 60 IN NS ns1.example.org."
                    additional "ns1.example.org. 60 IN A 192.0.2.53"
                }
            }
            """;
        using var harness = new CorefileHarness(Corefile);

        var (outcome, reply) = harness.Ask("WWW.Example.org");

        Assert.Equal(DnsRcode.NoError, outcome.Rcode);
        var answer = Assert.Single(reply!.Answers);
        Assert.Equal(("WWW.Example.org.", 30u, IPAddress.Parse("192.0.2.9")), (answer.Name, answer.Ttl, answer.AsAddress()));
        Assert.Equal(("example.org.", DnsRecordType.NS), (Assert.Single(reply.Authorities).Name, reply.Authorities[0].Type));
        Assert.Equal(IPAddress.Parse("192.0.2.53"), Assert.Single(reply.Additionals).AsAddress());
    }

    [Theory]
    [InlineData("", "www.example.org", DnsRcode.ServFail)]
    [InlineData("fallthrough", "www.example.org", DnsRcode.Refused)]
    [InlineData("fallthrough example.org", "www.example.org", DnsRcode.Refused)]
    [InlineData("fallthrough other.org", "www.example.org", DnsRcode.ServFail)]
    public void Compile_Template_NoRegexMatches_ServfailUnlessFallthroughCoversTheName(string fallthrough, string name, DnsRcode expected)
    {
        // With nothing after the template, a query passed on meets the end of the chain: the mesh step's REFUSED for a
        // name outside the mesh domain.
        var corefile = $".:16001 {{\n template IN A {{\n  match ^api[.]\n  answer \"{{{{ .Name }}}} 60 IN A 192.0.2.1\"\n  {fallthrough}\n }}\n forward . 127.0.0.1:16002\n}}";
        using var harness = new CorefileHarness(corefile);

        var (outcome, reply) = harness.Ask(name);

        Assert.Equal((OutcomeKind.Reply, expected), (outcome.Kind, outcome.Rcode));
        Assert.Equal(0, reply!.Flags & DnsHeaderFlags.AA);
    }

    [Theory]
    [InlineData("IN A", DnsRecordType.AAAA, false)]
    [InlineData("IN A", DnsRecordType.A, true)]
    [InlineData("ANY A", DnsRecordType.A, true)]
    [InlineData("IN ANY", DnsRecordType.MX, true)]
    [InlineData("IN MX", DnsRecordType.ANY, true)]
    [InlineData("CH A", DnsRecordType.A, false)]
    public void Compile_Template_ClassAndType_AnyMatchesEverything(string classAndType, DnsRecordType type, bool answered)
    {
        using var harness = new CorefileHarness($".:16001 {{\n template {classAndType} {{\n  rcode NXDOMAIN\n }}\n forward . 127.0.0.1:16002\n}}");

        var (outcome, _) = harness.Ask("backend.mesh", type);

        Assert.Equal(answered, outcome.Rcode == DnsRcode.NXDomain);
    }

    [Fact]
    public void Compile_Forward_RealUpstreamWithOptions_OwnForwarderAndExceptedNamesGoOn()
    {
        const string Corefile = """
            .:16001 {
                forward example.org 127.0.0.9:5300 127.0.0.10 {
                    except internal.example.org
                    force_tcp
                    max_fails 3
                    health_check 2s
                    max_concurrent 1
                    policy sequential
                    expire 3s
                }
                forward . 127.0.0.1:16002
            }
            """;
        using var harness = new CorefileHarness(Corefile);

        var (external, _) = harness.Ask("www.example.org");
        var (full, _) = harness.Ask("api.example.org");
        var (excepted, excReply) = harness.Ask("db.internal.example.org");

        var own = Assert.Single(harness.OwnForwarders);
        Assert.Equal([IPEndPoint.Parse("127.0.0.9:5300"), IPEndPoint.Parse("127.0.0.10:53")], own.Upstreams);
        Assert.Equal(TimeSpan.FromSeconds(3), own.Options.Expire);
        Assert.Equal((OutcomeKind.Forward, own), (external.Kind, external.Route!.Forwarder));
        Assert.Equal((OutcomeKind.Reply, DnsRcode.Refused), (full.Kind, full.Rcode)); // max_concurrent 1: the first is still out
        Assert.Equal((OutcomeKind.Reply, DnsRcode.Refused), (excepted.Kind, excepted.Rcode)); // the mesh step: outside its domain
        Assert.NotNull(excReply);
    }

    [Fact]
    public void Compile_Alternate_WrapsARealForward_RouteAsksTheAlternateAfterTheUpstream()
    {
        using var harness = new CorefileHarness(".:16001 {\n forward . 127.0.0.9\n alternate SERVFAIL . /etc/resolv.conf\n}");

        var (outcome, _) = harness.Ask("www.example.com");

        Assert.Equal(OutcomeKind.Forward, outcome.Kind);
        Assert.NotEqual(harness.SystemUpstreams, outcome.Route!.Forwarder);
    }

    [Fact]
    public void Compile_Alternate_ResolvConfPath_ReadsItsNameservers()
    {
        using var harness = new CorefileHarness(
            ".:16001 {\n forward . 127.0.0.1:16002\n alternate NXDOMAIN . /run/other-resolv.conf\n}",
            path => path == "/run/other-resolv.conf" ? "nameserver 127.0.0.77\n" : throw new FileNotFoundException(path));

        var (outcome, _) = harness.Ask("nosuch.mesh");

        Assert.Equal([IPEndPoint.Parse("127.0.0.77:53")], outcome.Route!.Forwarder.Upstreams);
    }

    [Theory]
    [InlineData("rewrite name suffix .svc.cluster.local. .mesh.", "Backend.SVC.cluster.local", "backend.mesh.")]
    [InlineData("rewrite name suffix .svc.cluster.local. .mesh. answer auto", "Backend.SVC.cluster.local", "Backend.SVC.cluster.local.")]
    [InlineData("rewrite name exact web.example.org backend.mesh", "web.example.org", "web.example.org.")]
    [InlineData("rewrite name regex (.*)\\.svc\\.cluster\\.local\\. {1}.mesh. answer auto", "backend.svc.cluster.local", "backend.svc.cluster.local.")]
    [InlineData("rewrite name prefix web backend", "web.mesh", "backend.mesh.")]
    [InlineData("rewrite continue name substring .cluster. .x.\n    rewrite name suffix .svc.x.local. .mesh. answer auto", "backend.svc.cluster.local", "backend.svc.cluster.local.")]
    public void Compile_Rewrite_MeshVipForTheRewrittenName_QuestionRestored_OwnersWithExactOrAnswerAuto(string rule, string asked, string owner)
    {
        using var harness = new CorefileHarness($".:16001 {{\n    {rule}\n    forward . 127.0.0.1:16002\n}}");

        var (outcome, reply) = harness.Ask(asked);

        Assert.Equal((OutcomeKind.Reply, DnsRcode.NoError), (outcome.Kind, outcome.Rcode));
        Assert.Equal(asked + ".", Assert.Single(reply!.Questions).Name);
        var answer = Assert.Single(reply.Answers);
        Assert.Equal((owner, CorefileHarness.BackendVip), (answer.Name, answer.AsAddress()));
        Assert.Equal(0x1234, reply.Id);
    }

    [Fact]
    public void Compile_Rewrite_NoRuleMatches_QueryRunsAsItCame()
    {
        using var harness = new CorefileHarness(".:16001 {\n    rewrite name suffix .svc.cluster.local. .mesh.\n    forward . 127.0.0.1:16002\n}");

        var (outcome, reply) = harness.Ask("BACKEND.mesh");

        Assert.Equal("BACKEND.mesh.", reply!.Answers.Single().Name);
        Assert.Equal(DnsRcode.NoError, outcome.Rcode);
    }

    [Fact]
    public void Compile_Rewrite_UnknownRewrittenName_PassedOnWithTheClientsQuestion()
    {
        using var harness = new CorefileHarness(".:16001 {\n    rewrite name suffix .svc.cluster.local. .mesh.\n    forward . 127.0.0.1:16002\n}");

        var (outcome, reply) = harness.Ask("nosuch.svc.cluster.local");

        Assert.Equal((OutcomeKind.Reply, DnsRcode.NXDomain), (outcome.Kind, outcome.Rcode));
        Assert.Equal("nosuch.svc.cluster.local.", reply!.Questions.Single().Name);
    }

    public static TheoryData<string, string, int, int, string> Errors() => new()
    {
        { "unknown plugin", ".:53 {\n  whoami\n}", 2, 3, "unknown plugin \"whoami\"" },
        { "errors twice", ".:53 {\n errors\n errors\n}", 3, 2, "errors can be used only once per server block" },
        { "errors option", ".:53 {\n errors {\n  consolidate 5m .*\n }\n}", 3, 3, "option \"consolidate\" is not supported" },
        { "prometheus elsewhere", ".:53 {\n prometheus :9253\n}", 2, 2, "metrics are served at the API's /metrics, port 16003" },
        { "log format", ".:53 {\n log . \"{remote} {name}\"\n}", 2, 8, "custom formats are not supported" },
        { "log class", ".:53 {\n log {\n  class sometimes\n }\n}", 3, 9, "unknown class \"sometimes\"" },
        { "template class", ".:53 {\n template XX A\n}", 2, 11, "unknown class \"XX\"" },
        { "template type", ".:53 {\n template IN AAAAA\n}", 2, 14, "unknown type \"AAAAA\"" },
        { "template rcode", ".:53 {\n template IN A {\n  rcode NOPE\n }\n}", 3, 9, "unknown rcode \"NOPE\"" },
        { "template regex", ".:53 {\n template IN A {\n  match ([\n }\n}", 3, 9, "invalid regex" },
        { "template record", ".:53 {\n template IN A {\n  answer \"{{ .Name }} 60 IN A not-an-ip\"\n }\n}", 3, 10, "A needs one IPv4 address" },
        { "template group", ".:53 {\n template IN A {\n  answer \"{{ .Name }} 60 IN A {{ .Group.ip }}\"\n }\n}", 3, 10, "only {{ .Name }} as the owner is supported" },
        { "template option", ".:53 {\n template IN A {\n  ederror 15\n }\n}", 3, 3, "option \"ederror\" is not supported" },
        { "alternate rcode twice", ".:53 {\n alternate NXDOMAIN,nxdomain . 127.0.0.9\n}", 2, 12, "rcode nxdomain is given twice" },
        { "alternate options", ".:53 {\n alternate NXDOMAIN . 127.0.0.9 {\n  force_tcp\n }\n}", 3, 3, "additional parameters not allowed" },
        { "alternate overlap", ".:53 {\n alternate NXDOMAIN . 127.0.0.9\n alternate SERVFAIL,NXDOMAIN . 127.0.0.8\n}", 3, 2, "an rcode is already handled by another alternate" },
        { "alternate to the mesh", ".:53 {\n alternate NXDOMAIN . 127.0.0.1:16002\n}", 2, 23, "the mesh answerer cannot be an alternate" },
        { "forward mesh mixed", ".:53 {\n forward . 127.0.0.1:16002 127.0.0.9\n}", 2, 12, "cannot be mixed with other upstreams" },
        { "forward mesh option", ".:53 {\n forward . 127.0.0.1:16002 {\n  force_tcp\n }\n}", 3, 3, "the mesh answerer takes no option but except" },
        { "forward tls", ".:53 {\n forward . tls://9.9.9.9\n}", 2, 12, "only dns:// upstreams are supported" },
        { "forward policy", ".:53 {\n forward . 127.0.0.9 {\n  policy fastest\n }\n}", 3, 10, "unknown policy \"fastest\"" },
        { "forward duration", ".:53 {\n forward . 127.0.0.9 {\n  health_check soon\n }\n}", 3, 16, "is not a duration" },
        { "forward option", ".:53 {\n forward . 127.0.0.9 {\n  tls_servername dns.quad9.net\n }\n}", 3, 3, "option \"tls_servername\" is not supported" },
        { "forward arity", ".:53 {\n forward . 127.0.0.9 {\n  max_fails\n }\n}", 3, 3, "expected 1 argument, got 0" },
        { "forward too few", ".:53 {\n forward .\n}", 2, 2, "expected FROM TO..." },
        { "cache option", ".:53 {\n cache {\n  prefetch 10\n }\n}", 3, 3, "cache: option \"prefetch\" is not supported" },
        { "cache twice", ".:53 {\n cache\n cache 30\n}", 3, 2, "cache can be used only once per server block" },
        { "cache capacity", ".:53 {\n cache {\n  success 0\n }\n}", 3, 3, "success: the capacity must be at least 1" },
        { "cache arity", ".:53 {\n cache {\n  denial 10 60 5 1\n }\n}", 3, 3, "denial: expected 1 to 3 arguments, got 4" },
        { "rewrite type rule", ".:53 {\n rewrite type ANY HINFO\n}", 2, 10, "only name rules are supported (got \"type\")" },
        { "rewrite answer name", ".:53 {\n rewrite name suffix .a. .b. answer name (.*) {1}\n}", 2, 30, "only answer auto is supported" },
        { "rewrite block", ".:53 {\n rewrite stop {\n  name exact a. b.\n }\n}", 3, 3, "the block form is not supported" },
        { "rewrite too few", ".:53 {\n rewrite name suffix .a.\n}", 2, 2, "expected [continue|stop] name" },
        { "rewrite regex", ".:53 {\n rewrite name regex ([ x.\n}", 2, 21, "invalid regex" },
        { "cache TTL zero", ".:53 {\n cache 0\n}", 2, 8, "the TTL must be at least 1 second" },
        { "implicit port defined twice", ".:16001 {\n}\n. {\n}", 3, 1, ".:16001 is already defined" },
        { "duration too long", ".:53 {\n forward . 127.0.0.9 {\n  health_check 99999999999999h\n }\n}", 3, 16, "is too long a duration" },
        { "unreadable resolv.conf", ".:53 {\n forward . /nonexistent/resolv.conf\n}", 2, 12, "cannot read /nonexistent/resolv.conf" },
    };

    [Theory]
    [MemberData(nameof(Errors))]
    public void Compile_Invalid_ErrorWithPositionAndReason(string caseId, string corefile, int line, int column, string reason)
    {
        var error = Assert.Throws<CorefileException>(() => new CorefileHarness(corefile, _ => throw new FileNotFoundException("no such file")).Dispose());

        Assert.True((line, column) == (error.Line, error.Column), $"{caseId}: {error.Message}");
        Assert.True(error.Reason.Contains(reason, StringComparison.Ordinal), $"{caseId}: {error.Message}");
    }
}
