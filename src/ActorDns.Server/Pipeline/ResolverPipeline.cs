using ActorDns.Protocol;
using ActorDns.Server.Forwarding;
using ActorDns.Server.Query;

namespace ActorDns.Server.Pipeline;

/// <summary>
/// What happens to a query after the mesh step (<see cref="QueryEngine"/>) answered it: Kuma's default
/// Corefile is <c>forward . &lt;mesh answerer&gt;</c> + <c>alternate NOTIMP,FORMERR,NXDOMAIN,SERVFAIL,REFUSED
/// . /etc/resolv.conf</c>, i.e. a mesh answer with one of those rcodes is replaced by the upstreams' answer.
/// Queries the front end rejected are never forwarded (conformance F-12).
/// </summary>
public sealed class ResolverPipeline
{
    public static readonly IReadOnlyList<DnsRcode> KumaAlternateRcodes =
        [DnsRcode.NotImp, DnsRcode.FormErr, DnsRcode.NXDomain, DnsRcode.ServFail, DnsRcode.Refused];

    private readonly uint _alternateMask;

    public ResolverPipeline(IEnumerable<DnsRcode> alternateRcodes, Forwarder forwarder)
    {
        foreach (var rcode in alternateRcodes)
        {
            _alternateMask |= 1u << (int)rcode;
        }

        Forwarder = forwarder;
    }

    public Forwarder Forwarder { get; }

    /// <summary>The default pipeline of SPEC §4.3.</summary>
    public static ResolverPipeline KumaDefault(Forwarder forwarder) => new(KumaAlternateRcodes, forwarder);

    /// <summary>True when the mesh step's answer is to be replaced by the upstreams' answer.</summary>
    public bool ShouldForward(in QueryResult result) =>
        result.Disposition == QueryDisposition.Answered && (int)result.Rcode < 32 && (_alternateMask & (1u << (int)result.Rcode)) != 0;
}
