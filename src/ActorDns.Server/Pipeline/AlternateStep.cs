using ActorDns.Protocol;
using ActorDns.Server.Forwarding;

namespace ActorDns.Server.Pipeline;

/// <summary>
/// CoreDNS's <c>alternate RCODES . ADDRESS…</c>: runs the rest of the chain (<paramref name="inner"/>) and, when its
/// answer's rcode is one of <paramref name="rcodes"/> — or nothing answered and the reply would be one of them —
/// sends the query to <paramref name="forwarder"/> instead. Any other outcome of the chain is final.
/// </summary>
public sealed class AlternateStep(IEnumerable<DnsRcode> rcodes, Forwarder forwarder, PipelineStep[] inner) : PipelineStep
{
    private readonly uint _mask = MaskOf(rcodes);

    public override StepResult Run(ref QueryContext context)
    {
        var result = RunChain(inner, ref context);
        var rcode = result switch
        {
            StepResult.Answered => context.Rcode,
            StepResult.Next => context.Unanswered.Rcode(),
            _ => (DnsRcode?)null,
        };
        return rcode is { } r && (int)r < 32 && (_mask & (1u << (int)r)) != 0 ? context.ForwardTo(forwarder) : result;
    }

    private static uint MaskOf(IEnumerable<DnsRcode> rcodes)
    {
        var mask = 0u;
        foreach (var rcode in rcodes)
        {
            mask |= 1u << (int)rcode;
        }

        return mask;
    }
}
