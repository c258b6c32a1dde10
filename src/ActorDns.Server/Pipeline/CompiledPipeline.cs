using ActorDns.Protocol;
using ActorDns.Server.Forwarding;
using ActorDns.Server.Query;

namespace ActorDns.Server.Pipeline;

/// <summary>The steps of one server block, in execution order; immutable once built.</summary>
public sealed class CompiledPipeline(PipelineStep[] steps)
{
    /// <summary>The rcodes of Kuma's default Corefile: <c>alternate NOTIMP,FORMERR,NXDOMAIN,SERVFAIL,REFUSED . /etc/resolv.conf</c>.</summary>
    public static readonly IReadOnlyList<DnsRcode> KumaAlternateRcodes =
        [DnsRcode.NotImp, DnsRcode.FormErr, DnsRcode.NXDomain, DnsRcode.ServFail, DnsRcode.Refused];

    internal PipelineStep[] Steps { get; } = steps;

    /// <summary>
    /// Kuma's default Corefile (SPEC §4.3): <c>forward . 127.0.0.1:{{ .EnvoyDNSPort }}</c> is the mesh step, and
    /// <c>alternate</c> with <paramref name="alternateRcodes"/> sends what it did not answer, or answered with one of
    /// them, to the upstreams. No rcodes: the mesh step alone, an authoritative server for the mesh domain.
    /// </summary>
    public static CompiledPipeline KumaDefault(ZoneSlot zone, Forwarder forwarder, IReadOnlyList<DnsRcode>? alternateRcodes = null)
    {
        var rcodes = alternateRcodes ?? KumaAlternateRcodes;
        PipelineStep mesh = new MeshStep(zone);
        return new CompiledPipeline(rcodes.Count == 0 ? [mesh] : [new AlternateStep(rcodes, forwarder, [mesh])]);
    }
}
