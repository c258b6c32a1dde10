using System.Net;
using ActorDns.Protocol;
using ActorDns.Server.Pipeline;
using ActorDns.Testing;
using Xunit;

namespace ActorDns.Server.Tests.Pipeline.Corefile;

/// <summary>CoreDNS's <c>hosts</c>: inline entries and a file, NODATA, PTR, fallthrough, zones and reload.</summary>
public sealed class HostsPluginTests
{
    private const string Inline = """
        .:16001 {
            hosts /nonexistent/hosts {
                10.0.0.1 db.internal
                10.0.0.2 db.internal
                fd00::1 DB.Internal
                ttl 30
                fallthrough
            }
            forward . 127.0.0.1:16002
        }
        """;

    [Fact]
    public void Process_HostsInline_AAndAaaaWithTheirTtl_Authoritative()
    {
        using var harness = new CorefileHarness(Inline);

        var (_, a) = harness.Ask("DB.internal");
        var (_, aaaa) = harness.Ask("db.internal", DnsRecordType.AAAA);

        Assert.Equal([IPAddress.Parse("10.0.0.1"), IPAddress.Parse("10.0.0.2")], a!.Answers.Select(r => r.AsAddress()));
        Assert.All(a.Answers, r => Assert.Equal(("DB.internal.", 30u), (r.Name, r.Ttl)));
        Assert.NotEqual(0, a.Flags & DnsHeaderFlags.AA);
        Assert.Equal([IPAddress.Parse("fd00::1")], aaaa!.Answers.Select(r => r.AsAddress()));
    }

    [Fact]
    public void Process_HostsNameWithoutTheType_NodataWithoutSoa()
    {
        using var harness = new CorefileHarness(Inline);

        var (outcome, reply) = harness.Ask("db.internal", DnsRecordType.TXT);

        Assert.Equal((OutcomeKind.Reply, DnsRcode.NoError), (outcome.Kind, outcome.Rcode));
        Assert.Empty(reply!.Answers);
        Assert.Empty(reply.Authorities);
    }

    [Theory]
    [InlineData("2.0.0.10.in-addr.arpa", "db.internal.")]
    [InlineData("1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.d.f.ip6.arpa", "db.internal.")]
    public void Process_HostsPtr_ForAnEntrysAddress(string reverse, string name)
    {
        using var harness = new CorefileHarness(Inline);

        var (_, reply) = harness.Ask(reverse, DnsRecordType.PTR);

        var answer = Assert.Single(reply!.Answers);
        Assert.Equal((DnsRecordType.PTR, reverse + "."), (answer.Type, answer.Name));
        Assert.Equal(DnsName.Parse(name), answer.Data);
    }

    [Theory]
    [InlineData("fallthrough", DnsRcode.NoError)]
    [InlineData("", DnsRcode.ServFail)]
    public void Process_HostsUnknownName_NextPluginWithFallthrough_ElseServfail(string fallthrough, DnsRcode expected)
    {
        using var harness = new CorefileHarness($".:16001 {{\n hosts /nonexistent/hosts {{\n  10.0.0.1 db.internal\n  {fallthrough}\n }}\n forward . 127.0.0.1:16002\n}}");

        var (outcome, reply) = harness.Ask("backend.mesh");

        Assert.Equal(expected, outcome.Rcode);
        Assert.Equal(expected == DnsRcode.NoError, reply!.Answers.Count == 1);
    }

    [Fact]
    public void Process_HostsFile_EntriesOutsideTheZonesLeftOut_InlineAndFileTogether()
    {
        var corefile = ".:16001 {\n hosts /etc/test-hosts example.org {\n  192.0.2.9 inline.example.org\n  fallthrough\n }\n forward . 127.0.0.1:16002\n}";
        using var harness = new CorefileHarness(corefile, path => path == "/etc/test-hosts" ? "# comment\n192.0.2.1 www.example.org www # short\n192.0.2.2 other.example.com\n" : throw new FileNotFoundException(path));

        Assert.Equal(IPAddress.Parse("192.0.2.1"), harness.Ask("www.example.org").Reply!.Answers.Single().AsAddress());
        Assert.Equal(IPAddress.Parse("192.0.2.9"), harness.Ask("inline.example.org").Reply!.Answers.Single().AsAddress());
        // Outside the plugin's zones: not loaded, and the query goes on (here to the mesh step, which refuses it).
        Assert.Equal(DnsRcode.Refused, harness.Ask("other.example.com").Outcome.Rcode);
    }

    [Fact]
    public async Task Process_HostsReload_ChangedFile_NewEntriesServed()
    {
        var file = Path.GetTempFileName();
        await File.WriteAllTextAsync(file, "192.0.2.1 svc.example.org\n");
        try
        {
            using var harness = new CorefileHarness($".:16001 {{\n hosts {file} {{\n  reload 100ms\n }}\n}}");
            Assert.Equal(IPAddress.Parse("192.0.2.1"), harness.Ask("svc.example.org").Reply!.Answers.Single().AsAddress());

            await File.WriteAllTextAsync(file, "192.0.2.77 svc.example.org\n# a longer file than before\n");

            await Eventually.TrueAsync(
                () => Task.FromResult(harness.Ask("svc.example.org").Reply!.Answers.SingleOrDefault()?.AsAddress()?.Equals(IPAddress.Parse("192.0.2.77")) == true),
                TimeSpan.FromSeconds(10),
                "the re-read entry is served");
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void Process_HostsAnswer_AllocatesNothing()
    {
        using var harness = new CorefileHarness(Inline);
        var processor = new QueryProcessor(harness.Compiled.Ports[16001]);
        var query = new ActorDns.Testing.Dns.QueryBuilder { Name = "db.internal" }.Build();
        var response = new byte[ushort.MaxValue];
        Assert.Equal(0, Allocations.FewestPerRound(() => processor.Process(query, response, overUdp: true, default, 0)));
    }
}
