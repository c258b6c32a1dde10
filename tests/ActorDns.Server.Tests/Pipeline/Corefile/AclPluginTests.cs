using System.Net;
using ActorDns.Protocol;
using ActorDns.Server.Pipeline;
using ActorDns.Testing;
using Xunit;

namespace ActorDns.Server.Tests.Pipeline.Corefile;

/// <summary>CoreDNS's <c>acl</c>: actions, types and networks, zones, order, and what happens when nothing matches.</summary>
public sealed class AclPluginTests
{
    private const string Corefile = """
        .:16001 {
            acl mesh {
                allow net 10.1.0.0/16
                block type AAAA net 10.0.0.0/8
                filter type TXT
                drop net 192.0.2.66 2001:db8::/32
            }
            acl example.org {
                block
            }
            forward . 127.0.0.1:16002
        }
        """;

    [Theory]
    [InlineData("10.1.2.3", "backend.mesh", DnsRecordType.AAAA, "answered")]
    [InlineData("10.9.9.9", "backend.mesh", DnsRecordType.AAAA, "REFUSED")]
    [InlineData("10.9.9.9", "backend.mesh", DnsRecordType.A, "answered")]
    [InlineData("127.0.0.1", "backend.mesh", DnsRecordType.TXT, "NOERROR empty")]
    [InlineData("192.0.2.66", "backend.mesh", DnsRecordType.A, "dropped")]
    [InlineData("2001:db8::5", "backend.mesh", DnsRecordType.A, "dropped")]
    [InlineData("::ffff:192.0.2.66", "backend.mesh", DnsRecordType.A, "dropped")]
    [InlineData("127.0.0.1", "www.example.org", DnsRecordType.A, "REFUSED")]
    [InlineData("127.0.0.1", "nosuch.mesh", DnsRecordType.A, "NXDOMAIN")]
    public void Process_Acl_FirstMatchingPolicyOfTheZonesRulesDecides(string source, string name, DnsRecordType type, string expected)
    {
        using var harness = new CorefileHarness(Corefile);

        var (outcome, reply) = harness.Ask(name, type, client: new IPEndPoint(IPAddress.Parse(source), 5353));

        var seen = outcome.Kind switch
        {
            OutcomeKind.Drop => "dropped",
            _ when outcome.Rcode == DnsRcode.Refused => "REFUSED",
            _ when outcome.Rcode == DnsRcode.NXDomain => "NXDOMAIN",
            _ when reply!.Answers.Count == 0 => "NOERROR empty",
            _ => "answered",
        };
        Assert.Equal(expected, seen);
    }

    // --dns-allow: an acl before every server block's steps, whatever the Corefile says.
    [Theory]
    [InlineData("10.1.2.3", 16001, "answered")]
    [InlineData("10.2.0.1", 16001, "REFUSED")]
    [InlineData("2001:db8::1", 16001, "answered")]
    [InlineData("127.0.0.1", 16003, "REFUSED")]
    [InlineData("10.1.0.9", 16003, "answered")]
    public void Process_AllowedClients_OthersRefusedInEveryServerBlock(string source, int port, string expected)
    {
        AclNetwork[] allowed = [Network("10.1.0.0/16"), Network("2001:db8::/32")];
        using var harness = new CorefileHarness(".:16001 {\n forward . 127.0.0.1:16002\n}\nmesh:16003 {\n template IN A mesh {\n  answer \"{{ .Name }} 60 IN A 192.0.2.9\"\n }\n}\n", configure: r => r with { AllowedClients = allowed });

        var (outcome, _) = harness.Ask("backend.mesh", port: port, client: new IPEndPoint(IPAddress.Parse(source), 5353));

        Assert.Equal(expected, outcome.Rcode == DnsRcode.Refused ? "REFUSED" : "answered");
    }

    private static AclNetwork Network(string text)
    {
        Assert.True(AclNetwork.TryParse(text, out var network));
        return network;
    }

    public static TheoryData<string, string, string> Errors() => new()
    {
        { "unknown action", "acl {\n  permit net 10.0.0.0/8\n }", "unknown action \"permit\"" },
        { "bad network", "acl {\n  block net 10.0.0.0/33\n }", "\"10.0.0.0/33\" is not an address or CIDR" },
        { "bad type", "acl {\n  block type AAAAA\n }", "unknown type \"AAAAA\"" },
        { "no value", "acl {\n  block type\n }", "\"type\" needs at least one value" },
        { "no policy", "acl", "needs at least one policy" },
        { "no keyword", "acl {\n  block 10.0.0.0/8\n }", "expected type or net" },
    };

    [Theory]
    [MemberData(nameof(Errors))]
    public void Compile_Invalid_Error(string caseId, string directive, string reason)
    {
        var error = Assert.Throws<ActorDns.Server.Pipeline.Corefile.CorefileException>(() => new CorefileHarness($".:16001 {{\n {directive}\n}}").Dispose());

        Assert.True(error.Reason.Contains(reason, StringComparison.Ordinal), $"{caseId}: {error.Message}");
    }

    [Fact]
    public void Process_Acl_AllocatesNothing()
    {
        using var harness = new CorefileHarness(Corefile);
        var processor = new QueryProcessor(harness.Compiled.Ports[16001]);
        var query = new ActorDns.Testing.Dns.QueryBuilder { Type = (ushort)DnsRecordType.AAAA }.Build();
        var client = new IPEndPoint(IPAddress.Parse("10.9.9.9"), 5353).Serialize();
        var response = new byte[ushort.MaxValue];
        Assert.Equal(0, Allocations.FewestPerRound(() => processor.Process(query, response, overUdp: true, client.Buffer.Span[..client.Size], 0)));
    }
}
