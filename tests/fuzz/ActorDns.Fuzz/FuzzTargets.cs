using System.Net;
using System.Runtime.Serialization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using ActorDns.ControlPlane.Catalog;
using ActorDns.ControlPlane.Catalog.Kinds;
using ActorDns.ControlPlane.Events;
using ActorDns.Host.Api;
using ActorDns.Protocol;
using ActorDns.Server.Forwarding;
using ActorDns.Server.Pipeline;
using ActorDns.Server.Pipeline.Corefile;
using ActorDns.Server.Query;
using Microsoft.Extensions.Logging.Abstractions;

namespace ActorDns.Fuzz;

/// <summary>
/// What hostile bytes reach (issue 15): each target feeds one input to one reader, the way the product reads it, and
/// lets only the exceptions that reader documents for bad input pass. Anything else escapes: a crash for AFL++, a
/// failure for the corpus replay test.
/// </summary>
public static class FuzzTargets
{
    private static readonly Lazy<QueryProcessor> Processor = new(BuildProcessor);

    private static readonly byte[] UpstreamQuestion = [3, (byte)'w', (byte)'w', (byte)'w', 7, .. "example"u8, 3, .. "com"u8, 0, 0, 1, 0, 1];

    /// <summary>
    /// Nothing of the instrumented assemblies may run before SharpFuzz maps AFL++'s coverage memory, so the static fields
    /// here hold only lazies and delegates of this assembly.
    /// </summary>
    private static TemplateValues Values => new(CoreDNSPort: 53, EnvoyDNSPort: 54, CoreDNSEmptyPort: 55, PrometheusPort: 9153, CoreDNSLogging: true);

    /// <summary>The targets by name, as <c>tests/fuzz/run TARGET</c> and the corpus directories name them.</summary>
    public static IReadOnlyDictionary<string, Action<byte[]>> All { get; } = new Dictionary<string, Action<byte[]>>(StringComparer.Ordinal)
    {
        ["dns-query"] = DnsQuery,
        ["upstream-reply"] = UpstreamReply,
        ["resource"] = Resource,
        ["resource-yaml"] = ResourceYaml,
        ["corefile"] = Corefile,
        ["zone-cache"] = ZoneCache,
        ["journal-event"] = JournalEvent,
    };

    /// <summary>A query datagram: the message parser, the query parser, and the whole pipeline of Kuma's default Corefile.</summary>
    public static void DnsQuery(byte[] input)
    {
        DnsMessage.TryParse(input, out _);
        DnsQueryParser.Parse(input, out _);
        var response = new byte[ushort.MaxValue];
        Processor.Value.Process(input, response, overUdp: true, default, 0);
        Processor.Value.Process(input, response, overUdp: false, default, 0);
    }

    /// <summary>An upstream's reply to <c>www.example.com A</c> (the first two bytes are the ID asked): the check, then the client's answer.</summary>
    public static void UpstreamReply(byte[] input)
    {
        if (input.Length < 2)
        {
            return;
        }

        var id = (ushort)((input[0] << 8) | input[1]);
        if (!UpstreamMessages.IsAcceptable(input, id, UpstreamQuestion))
        {
            return;
        }

        var clientQuery = new byte[DnsHeader.Size + UpstreamQuestion.Length];
        clientQuery[5] = 1;
        UpstreamQuestion.CopyTo(clientQuery, DnsHeader.Size);
        if (DnsQueryParser.Parse(clientQuery, out var client) == QueryParseStatus.Ok)
        {
            UpstreamMessages.WriteClientReply(input, clientQuery, client, new byte[ushort.MaxValue], overUdp: true);
            UpstreamMessages.WriteClientReply(input, clientQuery, client, new byte[ushort.MaxValue], overUdp: false);
        }
    }

    /// <summary>A resource document of the API (the first byte picks the kind): its validation, as a PUT runs it.</summary>
    public static void Resource(byte[] input)
    {
        if (input.Length == 0)
        {
            return;
        }

        var kind = ResourceKinds.All[input[0] % ResourceKinds.All.Count].Kind;
        ResourceParser.TryParse(kind, "default", "fuzz-1", Encoding.UTF8.GetString(input, 1, input.Length - 1), out _, out _);
    }

    /// <summary>A resource document in YAML (the first byte picks the kind): converted, then validated, as a PUT of YAML runs it.</summary>
    public static void ResourceYaml(byte[] input)
    {
        if (input.Length == 0)
        {
            return;
        }

        var kind = ResourceKinds.All[input[0] % ResourceKinds.All.Count].Kind;
        if (YamlJson.TryConvert(Encoding.UTF8.GetString(input, 1, input.Length - 1), out var json, out _))
        {
            ResourceParser.TryParse(kind, "default", "fuzz-1", json, out _, out _);
        }
    }

    /// <summary>A Corefile template: rendered, parsed and compiled as a resolver loads one; a bad one is a <see cref="CorefileException"/>.</summary>
    public static void Corefile(byte[] input)
    {
        try
        {
            var rendered = CorefileTemplate.Render(Encoding.UTF8.GetString(input), "fuzz", Values);
            PipelineCompiler.Compile(CorefileParser.Parse(rendered, "fuzz", _ => null), Resources(new ZoneSlot(ZoneTable.Create(new ZoneSettings(), 1, [])))).Dispose();
        }
        catch (CorefileException)
        {
            // A refused Corefile, with file:line:column.
        }
    }

    /// <summary>
    /// A resolver's table cache file as it finds it on disk at start. A binary one (<c>ADZC</c> first) gets its right
    /// checksum appended, so that the fuzzer reaches the parser behind the checksum; a text one is read as it is.
    /// </summary>
    public static void ZoneCache(byte[] input)
    {
        var path = Path.Combine(Path.GetTempPath(), $"actordns-fuzz-{Environment.ProcessId}.cache");
        File.WriteAllBytes(path, input.AsSpan().StartsWith("ADZC"u8) ? [.. input, .. SHA256.HashData(input)] : input);
        try
        {
            ZoneCacheFile.TryRead(path, new ZoneSettings(), out _);
        }
        finally
        {
            File.Delete(path);
        }
    }

    /// <summary>A journal document as <c>MANIFEST\nJSON</c>: what recovery reads back from the database.</summary>
    public static void JournalEvent(byte[] input)
    {
        var newline = Array.IndexOf(input, (byte)'\n');
        var manifest = newline < 0 ? "" : Encoding.UTF8.GetString(input, 0, newline);
        try
        {
            MeshEventSerializer.Read(input[(newline + 1)..], manifest);
        }
        catch (Exception e) when (e is SerializationException or JsonException)
        {
            // A document this build cannot read: recovery fails and says which.
        }
    }

    private static QueryProcessor BuildProcessor()
    {
        var records = new[]
        {
            new ZoneRecord("backend.mesh", [IPAddress.Parse("240.0.0.1")]),
            new ZoneRecord("_main._tcp.redis.svc.mesh.local", [IPAddress.Parse("241.0.0.1")]) { SrvPort = 6379 },
        };
        var zone = new ZoneSlot(ZoneTable.Create(new ZoneSettings(), 1, records));
        var rendered = CorefileTemplate.Render(DefaultCorefile.Template, DefaultCorefile.Source, Values);
        return new QueryProcessor(PipelineCompiler.Compile(CorefileParser.Parse(rendered, DefaultCorefile.Source, _ => null), Resources(zone)).Ports[53]);
    }

    private static PipelineResources Resources(ZoneSlot zone) => new()
    {
        CoreDnsPort = 53,
        EnvoyDnsPort = 54,
        PrometheusPort = 9153,
        ZoneForPort = _ => zone,
        SystemUpstreams = Upstreams.Value,
        NewForwarder = options => new Forwarder(options, Metrics.Value, new Random(1), TimeProvider.System),
        Logs = new PipelineLogs(NullLoggerFactory.Instance),
    };

    private static readonly Lazy<ForwarderMetrics> Metrics = new(() => new ForwarderMetrics(Prometheus.Metrics.WithCustomRegistry(Prometheus.Metrics.NewCustomRegistry())));

    private static readonly Lazy<Forwarder> Upstreams = new(() => new Forwarder(new ForwarderOptions(), Metrics.Value, new Random(1), TimeProvider.System));
}
