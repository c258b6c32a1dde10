namespace ActorDns.Server.Pipeline;

/// <summary>The steps of one server block in execution order, and its <c>log</c>; immutable once built.</summary>
public sealed class CompiledPipeline(PipelineStep[] steps, QueryLog? log = null)
{
    internal PipelineStep[] Steps { get; } = steps;

    /// <summary>Where each answered query is logged, when the block has <c>log</c>.</summary>
    public QueryLog? Log { get; } = log;
}
