using System.Net;
using ActorDns.Protocol;
using ActorDns.Server.Forwarding;
using ActorDns.Server.Pipeline;
using ActorDns.Server.Query;
using ActorDns.Server.Tests.Support;
using ActorDns.Testing;
using ActorDns.Testing.Dns;
using Xunit;

namespace ActorDns.Server.Tests.Pipeline;

/// <summary>
/// The synchronous query path allocates nothing (CONVENTIONS habit 5), through the mesh step alone and through
/// Kuma's default pipeline, whose <c>alternate</c> hands misses to the forwarder; the benchmark measures the same.
/// </summary>
public sealed class QueryProcessorAllocationTests : IDisposable
{
    // Room for every query of the test: each forwarded one is admitted and handed over, as on a server.
    private readonly Forwarder _forwarder = new(
        new ForwarderOptions { MaxConcurrent = int.MaxValue }, new ForwarderMetrics(Prometheus.Metrics.WithCustomRegistry(Prometheus.Metrics.NewCustomRegistry())), new Random(1), TimeProvider.System);

    public static TheoryData<string, byte[], bool> Queries()
    {
        var cases = new (string Id, byte[] Query)[]
        {
            ("hit A", new QueryBuilder().Build()),
            ("hit AAAA mixed case with EDNS", new QueryBuilder { Name = "BACKEND.mesh", Type = (ushort)DnsRecordType.AAAA, Edns = true }.Build()),
            ("miss", new QueryBuilder { Name = "nosuch.mesh" }.Build()),
            ("outside the domain", new QueryBuilder { Name = "example.org" }.Build()),
            ("type the table does not serve", new QueryBuilder { Type = (ushort)DnsRecordType.TXT }.Build()),
            ("apex SOA", new QueryBuilder { Name = "mesh", Type = (ushort)DnsRecordType.SOA }.Build()),
            ("FORMERR", new QueryBuilder { QdCount = 2 }.Build()),
            ("truncated", new QueryBuilder { Name = "many.mesh" }.Build()),
            ("SRV of a service name, with additional records", new QueryBuilder { Name = "_main._tcp.redis.mesh", Type = (ushort)DnsRecordType.SRV }.Build()),
        };
        var data = new TheoryData<string, byte[], bool>();
        foreach (var (id, query) in cases)
        {
            data.Add(id, query, false);
            data.Add(id, query, true);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Queries))]
    public void Process_AllocatesNothing(string caseId, byte[] query, bool kumaDefault)
    {
        var records = Enumerable.Range(0, 1000).Select(i => new ZoneRecord($"svc-{i}.mesh", [new IPAddress([240, 0, 0, (byte)i])]))
            .Append(new ZoneRecord("backend.mesh", [IPAddress.Parse("240.0.0.1")]))
            .Append(new ZoneRecord("redis.mesh", [IPAddress.Parse("241.0.0.1")]))
            .Append(new ZoneRecord("_main._tcp.redis.mesh", [IPAddress.Parse("241.0.0.1")]) { SrvPort = 6379 })
            .Append(new ZoneRecord("many.mesh", Enumerable.Range(1, 40).Select(i => new IPAddress([240, 1, 0, (byte)i])).ToList()));
        var zone = new ZoneSlot(ZoneTable.Create(new ZoneSettings(), 1, records));
        var processor = new QueryProcessor(TestPipelines.KumaDefault(zone, _forwarder, kumaDefault ? null : []));
        var response = new byte[ushort.MaxValue];
        var allocated = Allocations.FewestPerRound(() => processor.Process(query, response, overUdp: true, default, 0));

        Assert.True(allocated == 0, $"{caseId} allocated {allocated} bytes");
    }

    [Theory]
    [InlineData("template IN A {\n  match ^www[.]\n  answer \"{{ .Name }} 60 IN A 192.0.2.1\"\n }", "WWW.example.org", DnsRecordType.A)]
    [InlineData("template IN AAAA . {\n  rcode NOERROR\n  fallthrough\n }", "backend.mesh", DnsRecordType.AAAA)]
    [InlineData("template IN A {\n  match ^www[.]\n  fallthrough\n }", "api.example.org", DnsRecordType.A)]
    public void Process_TemplateStep_AllocatesNothing(string template, string name, DnsRecordType type)
    {
        using var harness = new Corefile.CorefileHarness($".:16001 {{\n {template}\n forward . 127.0.0.1:16002\n}}");
        var processor = new QueryProcessor(harness.Compiled.Ports[16001]);
        var query = new QueryBuilder { Name = name, Type = (ushort)type }.Build();
        var response = new byte[ushort.MaxValue];
        var allocated = Allocations.FewestPerRound(() => processor.Process(query, response, overUdp: true, default, 0));

        Assert.True(allocated == 0, $"{template} allocated {allocated} bytes");
    }

    public void Dispose() => _forwarder.Dispose();
}
