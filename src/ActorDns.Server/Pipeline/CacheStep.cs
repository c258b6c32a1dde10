using ActorDns.Protocol;

namespace ActorDns.Server.Pipeline;

/// <summary>
/// CoreDNS's <c>cache</c>: a query in its zones that the cache holds is answered from it; any other goes on, and the
/// routes that forward it store the upstreams' answer (<see cref="ForwardRoute"/>). Answers of the mesh, a template or
/// hosts are never cached: they are already copies of bytes, and always current.
/// </summary>
public sealed class CacheStep(ResponseCache cache, ZoneFilter zones) : PipelineStep
{
    public override StepResult Run(ref QueryContext context)
    {
        if (zones.Matches(context.Query.QName(context.Request)))
        {
            var length = cache.TryAnswer(context.Request, context.Query, context.Response, context.OverUdp);
            if (length > 0)
            {
                return context.Answer(length, (DnsRcode)(context.Response[3] & DnsHeaderFlags.RcodeMask));
            }
        }

        return context.Pass(Unanswered.NotForThisStep);
    }

    /// <summary>Keeps an upstream's answer to a query in the cache's zones (its TTLs set to the cache's, as CoreDNS does).</summary>
    public void Store(ReadOnlySpan<byte> request, in DnsQuery query, Span<byte> reply)
    {
        if (zones.Matches(query.QName(request)))
        {
            cache.Store(request, query, reply);
        }
    }
}
