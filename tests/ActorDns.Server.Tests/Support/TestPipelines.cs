using ActorDns.Protocol;
using ActorDns.Server.Forwarding;
using ActorDns.Server.Pipeline;
using ActorDns.Server.Pipeline.Corefile;
using ActorDns.Server.Query;
using Microsoft.Extensions.Logging.Abstractions;

namespace ActorDns.Server.Tests.Support;

/// <summary>Pipelines compiled from a Corefile, as a resolver builds them, for tests that serve one mesh.</summary>
public static class TestPipelines
{
    /// <summary>The rcodes of Kuma's default Corefile's <c>alternate</c>.</summary>
    public static readonly IReadOnlyList<DnsRcode> KumaAlternateRcodes =
        [DnsRcode.NotImp, DnsRcode.FormErr, DnsRcode.NXDomain, DnsRcode.ServFail, DnsRcode.Refused];

    /// <summary>
    /// Kuma's default Corefile with <paramref name="forwarder"/> as <c>/etc/resolv.conf</c>: the mesh step, then
    /// <c>alternate</c> with <paramref name="alternateRcodes"/> (Kuma's when null). No rcodes: the mesh step alone, an
    /// authoritative server for the mesh domain.
    /// </summary>
    public static ServerSet KumaDefault(ZoneSlot zone, Forwarder forwarder, IReadOnlyList<DnsRcode>? alternateRcodes = null)
    {
        var rcodes = alternateRcodes ?? KumaAlternateRcodes;
        var alternate = rcodes.Count == 0 ? "" : $"\n    alternate {string.Join(',', rcodes.Select(r => r.ToString().ToUpperInvariant()))} . /etc/resolv.conf";
        var corefile = $".:53 {{\n    forward . 127.0.0.1:54{alternate}\n}}\n";
        var resources = Resources(53, zone, forwarder, _ => throw new InvalidOperationException("this Corefile names no upstream of its own"));
        return PipelineCompiler.Compile(CorefileParser.Parse(corefile, "test Corefile", _ => null), resources).Ports[53];
    }

    /// <summary>
    /// What a test compiles a Corefile against: .CoreDNSPort <paramref name="corePort"/>, .EnvoyDNSPort the next port,
    /// .PrometheusPort the one after, one mesh for every port, no logging.
    /// </summary>
    public static PipelineResources Resources(int corePort, ZoneSlot zone, Forwarder systemUpstreams, Func<ForwarderOptions, Forwarder> newForwarder) => new()
    {
        CoreDnsPort = corePort,
        EnvoyDnsPort = corePort + 1,
        PrometheusPort = corePort + 2,
        ZoneForPort = _ => zone,
        SystemUpstreams = systemUpstreams,
        NewForwarder = newForwarder,
        Logs = new PipelineLogs(NullLoggerFactory.Instance),
    };
}
