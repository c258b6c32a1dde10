using System.Net;
using ActorDns.Protocol;
using ActorDns.Server.Forwarding;
using ActorDns.Server.Pipeline;
using ActorDns.Server.Query;
using BenchmarkDotNet.Attributes;

namespace ActorDns.Benchmarks;

/// <summary>
/// Parse a query and write its reply from a 10,000-name table (and one service name) through the query processor:
/// the whole per-query work of a receive loop minus the system calls. Hits run Kuma's default pipeline; the miss
/// runs the mesh step alone (the default would hand it to the forwarder, which is not measured here). Must report
/// 0 B allocated.
/// </summary>
[MemoryDiagnoser]
public class QueryProcessorBenchmark : IDisposable
{
    private readonly byte[] _response = new byte[ushort.MaxValue];
    private readonly Forwarder _forwarder = new(
        new ForwarderOptions(), new ForwarderMetrics(Prometheus.Metrics.WithCustomRegistry(Prometheus.Metrics.NewCustomRegistry())), new Random(1), TimeProvider.System);
    private QueryProcessor _kumaDefault = null!;
    private QueryProcessor _meshOnly = null!;
    private byte[] _hitA = null!;
    private byte[] _hitAaaa = null!;
    private byte[] _hitEdns = null!;
    private byte[] _miss = null!;
    private byte[] _hitSrv = null!;

    [GlobalSetup]
    public void Setup()
    {
        var records = Enumerable.Range(0, 10_000)
            .Select(i => new ZoneRecord($"svc-{i}.mesh", [new IPAddress([240, 0, (byte)(i >> 8), (byte)i])]))
            .Append(new ZoneRecord("_main._tcp.redis.svc.mesh.local", [IPAddress.Parse("241.0.0.1")]) { SrvPort = 6379 });
        var zone = new ZoneSlot(ZoneTable.Create(new ZoneSettings(), 1, records));
        _kumaDefault = new QueryProcessor(CompiledPipeline.KumaDefault(zone, _forwarder));
        _meshOnly = new QueryProcessor(CompiledPipeline.KumaDefault(zone, _forwarder, alternateRcodes: []));
        _hitA = Query("svc-4242.mesh", DnsRecordType.A, edns: false);
        _hitAaaa = Query("svc-4242.mesh", DnsRecordType.AAAA, edns: false);
        _hitEdns = Query("SVC-4242.Mesh", DnsRecordType.A, edns: true);
        _miss = Query("nosuch.mesh", DnsRecordType.A, edns: false);
        _hitSrv = Query("_main._tcp.redis.svc.mesh.local", DnsRecordType.SRV, edns: false);
    }

    [Benchmark(Baseline = true)]
    public int HitA() => _kumaDefault.Process(_hitA, _response, overUdp: true, default, 0).Length;

    [Benchmark]
    public int HitAaaa() => _kumaDefault.Process(_hitAaaa, _response, overUdp: true, default, 0).Length;

    [Benchmark]
    public int HitMixedCaseWithEdns() => _kumaDefault.Process(_hitEdns, _response, overUdp: true, default, 0).Length;

    [Benchmark]
    public int MissNxdomain() => _meshOnly.Process(_miss, _response, overUdp: true, default, 0).Length;

    [Benchmark]
    public int HitSrv() => _kumaDefault.Process(_hitSrv, _response, overUdp: true, default, 0).Length;

    public void Dispose() => _forwarder.Dispose();

    private static byte[] Query(string name, DnsRecordType type, bool edns)
    {
        var message = new DnsMessage { Id = 0x1234, Flags = DnsHeaderFlags.RD };
        message.Questions.Add(new DnsQuestion(name, type));
        if (edns)
        {
            message.Additionals.Add(new DnsResourceRecord(".", DnsRecordType.OPT, 4096, 0, []));
        }

        return message.ToArray();
    }
}
