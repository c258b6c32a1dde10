namespace ActorDns.Server.Pipeline;

/// <summary>What one step of the pipeline did with a query.</summary>
public enum StepResult : byte
{
    /// <summary>Not this step's query: the next step gets it (<see cref="QueryContext.Unanswered"/> says why).</summary>
    Next,

    /// <summary>The reply is written: <see cref="QueryContext.Length"/> octets with <see cref="QueryContext.Rcode"/>.</summary>
    Answered,

    /// <summary>The query leaves the receive loop for <see cref="QueryContext.Route"/>.</summary>
    Forward,

    /// <summary>Nothing is sent back.</summary>
    Drop,
}
