using ActorDns.Protocol;

namespace ActorDns.Server.Pipeline;

/// <summary>
/// CoreDNS's <c>alternate RCODES ZONE ADDRESS…</c> lines of a server block: runs the rest of the chain
/// (<paramref name="inner"/>) and, when its answer's rcode is one of an alternate's — or nothing answered and the reply
/// would be — sends the query to that alternate's route instead. When the chain itself forwards, its route was built
/// with the same alternates (<see cref="ForwardRoute"/>), which look at the upstreams' answer. Anything else the chain
/// does is final. As in CoreDNS, the ZONE argument restricts nothing.
/// </summary>
public sealed class AlternateStep(IReadOnlyList<AlternateRule> alternates, PipelineStep[] inner) : PipelineStep
{
    private readonly AlternateRule[] _alternates = [.. alternates];

    public override StepResult Run(ref QueryContext context)
    {
        var result = RunChain(inner, ref context);
        var rcode = result switch
        {
            StepResult.Answered => context.Rcode,
            StepResult.Next => context.Unanswered.Rcode(),
            _ => (DnsRcode?)null,
        };
        if (rcode is { } answered)
        {
            foreach (var alternate in _alternates)
            {
                if (alternate.Rcodes.Contains(answered))
                {
                    return context.ForwardTo(alternate.Route);
                }
            }
        }

        return result;
    }
}
