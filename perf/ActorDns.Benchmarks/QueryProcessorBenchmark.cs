using System.Net;
using ActorDns.Protocol;
using ActorDns.Server.Forwarding;
using ActorDns.Server.Metrics;
using ActorDns.Server.Pipeline;
using ActorDns.Server.Pipeline.Corefile;
using ActorDns.Server.Query;
using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.Logging.Abstractions;

namespace ActorDns.Benchmarks;

/// <summary>
/// Parse a query and write its reply from a 10,000-name table (and one service name) through the query processor:
/// the whole per-query work of a receive loop minus the system calls. Hits run the built-in default pipeline
/// (compiled from its Corefile template); the miss runs the mesh step alone (the default would hand it to the
/// forwarder, which is not measured here); the answers of the Corefile plugins that answer on the receive loop are
/// measured too: a template with a regex, hosts, acl before the mesh, and a cache hit; and a hit with response rate
/// limiting on. Must report 0 B allocated.
/// </summary>
[MemoryDiagnoser]
public class QueryProcessorBenchmark : IDisposable
{
    private readonly byte[] _response = new byte[ushort.MaxValue];
    private readonly Forwarder _forwarder = new(
        new ForwarderOptions(), new ForwarderMetrics(Prometheus.Metrics.WithCustomRegistry(Prometheus.Metrics.NewCustomRegistry())), new Random(1), TimeProvider.System);
    private QueryProcessor _kumaDefault = null!;
    private QueryProcessor _meshOnly = null!;
    private QueryProcessor _template = null!;
    private QueryProcessor _hosts = null!;
    private QueryProcessor _acl = null!;
    private QueryProcessor _rateLimited = null!;
    private ResponseCache _cache = null!;
    private DnsQuery _cachedQuery;
    private byte[] _templateHit = null!;
    private byte[] _hostsHit = null!;
    private byte[] _cached = null!;
    private byte[] _client = null!;
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
        _kumaDefault = Processor(zone, DefaultCorefile.Template);

        // --rrl-rate high enough that the client is never limited: the cost of counting, against HitA.
        _rateLimited = Processor(zone, DefaultCorefile.Template, new RateLimitSettings(int.MaxValue, 2));
        _meshOnly = Processor(zone, ".:{{ .CoreDNSPort }} {\n    forward . 127.0.0.1:{{ .EnvoyDNSPort }}\n}\n");
        _template = Processor(zone, ".:{{ .CoreDNSPort }} {\n    template IN A {\n        match ^www[.]\n        answer \"{{ \"{{ .Name }}\" }} 60 IN A 192.0.2.1\"\n    }\n}\n");
        _hitA = Query("svc-4242.mesh", DnsRecordType.A, edns: false);
        _hitAaaa = Query("svc-4242.mesh", DnsRecordType.AAAA, edns: false);
        _hitEdns = Query("SVC-4242.Mesh", DnsRecordType.A, edns: true);
        _miss = Query("nosuch.mesh", DnsRecordType.A, edns: false);
        _hitSrv = Query("_main._tcp.redis.svc.mesh.local", DnsRecordType.SRV, edns: false);
        _templateHit = Query("WWW.example.org", DnsRecordType.A, edns: false);
        _hosts = Processor(zone, ".:{{ .CoreDNSPort }} {\n    hosts /nonexistent {\n        10.0.0.1 db.internal\n        10.0.0.2 db.internal\n        reload 0\n    }\n}\n");
        _hostsHit = Query("db.internal", DnsRecordType.A, edns: false);
        _acl = Processor(zone, ".:{{ .CoreDNSPort }} {\n    acl {\n        block type AAAA net 10.0.0.0/8\n        allow net 127.0.0.0/8\n    }\n    forward . 127.0.0.1:{{ .EnvoyDNSPort }}\n}\n");
        var client = new IPEndPoint(IPAddress.Loopback, 40000).Serialize();
        _client = client.Buffer[..client.Size].ToArray();
        _cache = new ResponseCache(new CacheBounds(9984, TimeSpan.FromHours(1), TimeSpan.FromSeconds(5)), new CacheBounds(9984, TimeSpan.FromHours(1), TimeSpan.FromSeconds(5)), TimeProvider.System);
        _cached = Query("www.example.com", DnsRecordType.A, edns: false);
        DnsQueryParser.Parse(_cached, out _cachedQuery);
        var upstreamReply = new DnsMessage { Id = 0x1234, Flags = DnsHeaderFlags.QR | DnsHeaderFlags.RD | DnsHeaderFlags.RA };
        upstreamReply.Questions.Add(new DnsQuestion("www.example.com", DnsRecordType.A));
        upstreamReply.Answers.Add(DnsResourceRecord.Address("www.example.com", IPAddress.Parse("192.0.2.1"), 300));
        _cache.Store(_cached, _cachedQuery, upstreamReply.ToArray());
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

    /// <summary>A Corefile <c>template</c> with a regex <c>match</c> and an answer: the receive loop's whole work for it.</summary>
    [Benchmark]
    public int TemplateHitWithRegex() => _template.Process(_templateHit, _response, overUdp: true, default, 0).Length;

    [Benchmark]
    public int HostsHit() => _hosts.Process(_hostsHit, _response, overUdp: true, default, 0).Length;

    /// <summary>A mesh hit behind an <c>acl</c> whose second policy allows the client.</summary>
    [Benchmark]
    public int AclThenMeshHit() => _acl.Process(_hitA, _response, overUdp: true, _client, 0).Length;

    /// <summary>HitA with response rate limiting on (<c>--rrl-rate</c>): the client's counter is found and counted.</summary>
    [Benchmark]
    public int HitAWithRateLimiting() => _rateLimited.Process(_hitA, _response, overUdp: true, _client, 0).Length;

    /// <summary>The whole work of a <c>cache</c> hit: key, lookup, copy, ID, question and TTLs.</summary>
    [Benchmark]
    public int CacheHit() => _cache.TryAnswer(_cached, _cachedQuery, _response, overUdp: true);

    public void Dispose() => _forwarder.Dispose();

    /// <summary>Compiles a Corefile template as a resolver does, with the forwarder as the system upstreams.</summary>
    private QueryProcessor Processor(ZoneSlot zone, string template, RateLimitSettings? rateLimit = null)
    {
        var values = new TemplateValues(CoreDNSPort: 53, EnvoyDNSPort: 54, CoreDNSEmptyPort: 55, PrometheusPort: 9153, CoreDNSLogging: false);
        var resources = new PipelineResources
        {
            CoreDnsPort = 53,
            EnvoyDnsPort = 54,
            PrometheusPort = 9153,
            ZoneForPort = _ => zone,
            SystemUpstreams = _forwarder,
            NewForwarder = _ => throw new InvalidOperationException("no forward of its own"),
            Logs = new PipelineLogs(NullLoggerFactory.Instance),
            RateLimiter = rateLimit is null ? null : new RateLimitStep(rateLimit, TimeProvider.System, new RateLimitCounts()),
        };
        var corefile = CorefileParser.Parse(CorefileTemplate.Render(template, "benchmark", values), "benchmark", _ => null);
        return new QueryProcessor(PipelineCompiler.Compile(corefile, resources).Ports[53]);
    }

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
