namespace ActorDns.Server.Pipeline;

/// <summary>
/// One plugin of a compiled pipeline. <see cref="Run"/> is called on a receive loop: it must not block, and a step
/// that can answer synchronously must not allocate. Steps are immutable; a new configuration compiles new ones.
/// </summary>
public abstract class PipelineStep
{
    public abstract StepResult Run(ref QueryContext context);

    /// <summary>Runs <paramref name="steps"/> in order until one does something other than pass the query on.</summary>
    public static StepResult RunChain(PipelineStep[] steps, ref QueryContext context)
    {
        var result = StepResult.Next;
        foreach (var step in steps)
        {
            result = step.Run(ref context);
            if (result != StepResult.Next)
            {
                break;
            }
        }

        return result;
    }
}
