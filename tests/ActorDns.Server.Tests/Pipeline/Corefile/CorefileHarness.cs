using System.Net;
using ActorDns.Protocol;
using ActorDns.Server.Forwarding;
using ActorDns.Server.Pipeline;
using ActorDns.Server.Pipeline.Corefile;
using ActorDns.Server.Query;
using ActorDns.Server.Tests.Support;

namespace ActorDns.Server.Tests.Pipeline.Corefile;

/// <summary>
/// Compiles a Corefile against a one-name mesh (<c>backend.mesh</c> = 240.0.0.1) with EnvoyDNSPort 16002 and the
/// metrics port 16003, and runs queries through it without sockets. The forwarders it makes have no reachable
/// upstream; a test looks at where a query would go, never at an upstream's answer.
/// </summary>
public sealed class CorefileHarness : IDisposable
{
    public static readonly IPAddress BackendVip = IPAddress.Parse("240.0.0.1");

    private readonly byte[] _response = new byte[ushort.MaxValue];
    private readonly List<Forwarder> _forwarders = [];

    /// <summary><paramref name="configure"/> changes the resources the Corefile is compiled against (flags such as --dns-allow).</summary>
    public CorefileHarness(string corefile, Func<string, string>? readFile = null, Func<PipelineResources, PipelineResources>? configure = null)
    {
        Zone = new ZoneSlot(ZoneTable.Create(new ZoneSettings(), 1, [new ZoneRecord("backend.mesh", [BackendVip])]));
        SystemUpstreams = NewForwarder(new ForwarderOptions { Upstreams = [new IPEndPoint(IPAddress.Loopback, 9)] });
        var resources = TestPipelines.Resources(16001, Zone, SystemUpstreams, NewForwarder) with { ReadFile = readFile ?? File.ReadAllText };
        resources = configure?.Invoke(resources) ?? resources;
        try
        {
            Compiled = PipelineCompiler.Compile(CorefileParser.Parse(corefile, "Corefile", _ => null), resources);
        }
        catch
        {
            SystemUpstreams.Dispose();
            throw;
        }
    }

    public ZoneSlot Zone { get; }

    public Forwarder SystemUpstreams { get; }

    public CompiledCorefile Compiled { get; }

    /// <summary>The forwarders a <c>forward</c> or <c>alternate</c> of the Corefile made, in the order they were made.</summary>
    public IReadOnlyList<Forwarder> OwnForwarders => _forwarders.Skip(1).ToList();

    /// <summary>Asks from <paramref name="client"/> (127.0.0.1:40000 when not given).</summary>
    public (QueryOutcome Outcome, DnsMessage? Reply) Ask(string name, DnsRecordType type = DnsRecordType.A, int port = 16001, IPEndPoint? client = null, bool overUdp = true)
    {
        var message = new DnsMessage { Id = 0x1234, Flags = DnsHeaderFlags.RD };
        message.Questions.Add(new DnsQuestion(name, type));
        var address = (client ?? new IPEndPoint(IPAddress.Loopback, 40000)).Serialize();
        var outcome = new QueryProcessor(Compiled.Ports[port]).Process(message.ToArray(), _response, overUdp, address.Buffer.Span[..address.Size], 0);
        return (outcome, outcome.Kind == OutcomeKind.Reply && DnsMessage.TryParse(_response.AsSpan(0, outcome.Length), out var reply) ? reply : null);
    }

    private Forwarder NewForwarder(ForwarderOptions options)
    {
        var forwarder = new Forwarder(options, new ForwarderMetrics(Prometheus.Metrics.WithCustomRegistry(Prometheus.Metrics.NewCustomRegistry())), new Random(1), TimeProvider.System);
        _forwarders.Add(forwarder);
        return forwarder;
    }

    public void Dispose()
    {
        Compiled.Dispose();
        SystemUpstreams.Dispose();
    }
}
