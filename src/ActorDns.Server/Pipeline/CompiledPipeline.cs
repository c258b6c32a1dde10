using ActorDns.Protocol;
using ActorDns.Server.Forwarding;
using ActorDns.Server.Query;

namespace ActorDns.Server.Pipeline;

/// <summary>The steps of one server block in execution order, and its <c>log</c>; immutable once built.</summary>
public sealed class CompiledPipeline(PipelineStep[] steps, QueryLog? log = null)
{
    /// <summary>The rcodes of Kuma's default Corefile: <c>alternate NOTIMP,FORMERR,NXDOMAIN,SERVFAIL,REFUSED . /etc/resolv.conf</c>.</summary>
    public static readonly IReadOnlyList<DnsRcode> KumaAlternateRcodes =
        [DnsRcode.NotImp, DnsRcode.FormErr, DnsRcode.NXDomain, DnsRcode.ServFail, DnsRcode.Refused];

    internal PipelineStep[] Steps { get; } = steps;

    /// <summary>Where each answered query is logged, when the block has <c>log</c>.</summary>
    public QueryLog? Log { get; } = log;

    /// <summary>
    /// Kuma's default Corefile (SPEC §4.3): <c>forward . 127.0.0.1:{{ .EnvoyDNSPort }}</c> is the mesh step, and
    /// <c>alternate</c> with <paramref name="alternateRcodes"/> sends what it did not answer, or answered with one of
    /// them, to the upstreams. No rcodes: the mesh step alone, an authoritative server for the mesh domain.
    /// </summary>
    public static CompiledPipeline KumaDefault(ZoneSlot zone, Forwarder forwarder, IReadOnlyList<DnsRcode>? alternateRcodes = null)
    {
        var rcodes = RcodeSet.Of(alternateRcodes ?? KumaAlternateRcodes);
        PipelineStep mesh = new MeshStep(zone);
        return new CompiledPipeline(rcodes.IsEmpty ? [mesh] : [new AlternateStep([new AlternateRule(rcodes, new ForwardRoute(forwarder))], [mesh])]);
    }
}
