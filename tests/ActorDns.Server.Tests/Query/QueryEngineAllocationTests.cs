using System.Net;
using ActorDns.Protocol;
using ActorDns.Server.Query;
using ActorDns.Testing.Dns;
using Xunit;

namespace ActorDns.Server.Tests.Query;

/// <summary>The query path allocates nothing (CONVENTIONS habit 5); the benchmark measures the same with BenchmarkDotNet.</summary>
public class QueryEngineAllocationTests
{
    public static TheoryData<string, byte[]> Queries() => new()
    {
        { "hit A", new QueryBuilder().Build() },
        { "hit AAAA mixed case with EDNS", new QueryBuilder { Name = "BACKEND.mesh", Type = (ushort)DnsRecordType.AAAA, Edns = true }.Build() },
        { "miss", new QueryBuilder { Name = "nosuch.mesh" }.Build() },
        { "outside the domain", new QueryBuilder { Name = "example.org" }.Build() },
        { "apex SOA", new QueryBuilder { Name = "mesh", Type = (ushort)DnsRecordType.SOA }.Build() },
        { "FORMERR", new QueryBuilder { QdCount = 2 }.Build() },
        { "truncated", new QueryBuilder { Name = "many.mesh" }.Build() },
    };

    [Theory]
    [MemberData(nameof(Queries))]
    public void Answer_AllocatesNothing(string caseId, byte[] query)
    {
        var records = Enumerable.Range(0, 1000).Select(i => new ZoneRecord($"svc-{i}.mesh", [new IPAddress([240, 0, 0, (byte)i])]))
            .Append(new ZoneRecord("backend.mesh", [IPAddress.Parse("240.0.0.1")]))
            .Append(new ZoneRecord("many.mesh", Enumerable.Range(1, 40).Select(i => new IPAddress([240, 1, 0, (byte)i])).ToList()));
        var table = ZoneTable.Create(new ZoneSettings(), 1, records);
        var response = new byte[ushort.MaxValue];
        QueryEngine.Answer(table, query, response, overUdp: true);

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 1000; i++)
        {
            QueryEngine.Answer(table, query, response, overUdp: true);
        }

        Assert.True(GC.GetAllocatedBytesForCurrentThread() == before, $"{caseId} allocated {GC.GetAllocatedBytesForCurrentThread() - before} bytes");
    }
}
