namespace ActorDns.Server.Pipeline;

/// <summary>
/// CoreDNS's <c>rewrite name</c>: the rest of the chain (<paramref name="inner"/>) sees the rewritten question, and
/// the client gets its own question back (<see cref="NameRewriter"/>). A query no rule matches runs the chain as it
/// came. The routes of the chain's forwards rewrite the same way when the query leaves the loop.
/// </summary>
public sealed class RewriteStep(NameRewriter rewriter, PipelineStep[] inner) : PipelineStep
{
    public override StepResult Run(ref QueryContext context)
    {
        if (!rewriter.TryRewrite(context.Request, context.Query, out var rewritten, out var parsed, out var restoreAnswers))
        {
            return RunChain(inner, ref context);
        }

        var sent = new QueryContext(rewritten, parsed, context.Response, context.OverUdp, context.Client);
        var result = RunChain(inner, ref sent);
        switch (result)
        {
            case StepResult.Answered:
                var length = NameRewriter.Restore(context.Request, context.Query, rewritten, context.Response, sent.Length, restoreAnswers, context.OverUdp);
                return context.Answer(length, sent.Rcode);
            case StepResult.Next:
                return context.Pass(sent.Unanswered);
            case StepResult.Forward:
                return context.ForwardTo(sent.Route!);
            default:
                return result;
        }
    }
}
