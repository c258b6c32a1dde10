namespace ActorDns.Server.Pipeline;

/// <summary>
/// CoreDNS's <c>forward FROM TO…</c> to real upstreams: a query for a name in FROM (and not excepted) leaves the
/// receive loop for <paramref name="route"/>; any other goes on.
/// </summary>
public sealed class ForwardStep(ZoneFilter from, ForwardRoute route) : PipelineStep
{
    public override StepResult Run(ref QueryContext context) =>
        from.Matches(context.Query.QName(context.Request)) ? context.ForwardTo(route) : context.Pass(Unanswered.NotForThisStep);
}
