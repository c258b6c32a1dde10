namespace ActorDns.LoadTest.Churn;

/// <summary>
/// Everything measured for one churn service, filled in by its own flow and read once all flows are done.
/// Per resolver (same order as the options): the reply that first resolved it and the one that first
/// showed it gone; null there means never within the timeout, or not polled (see <see cref="Polled"/>).
/// </summary>
internal sealed class ServiceTrace(long index, string name, int resolvers)
{
    public long Index { get; } = index;

    public string Name { get; } = name;

    public HttpOutcome? Put { get; set; }

    public HttpOutcome? Delete { get; set; }

    /// <summary>True once every resolver was polled until resolvable or the timeout.</summary>
    public bool Polled { get; set; }

    /// <summary>True once every resolver was polled until gone or the timeout.</summary>
    public bool GonePolled { get; set; }

    public ProbeAnswer?[] Resolved { get; set; } = new ProbeAnswer?[resolvers];

    public ProbeAnswer?[] Gone { get; set; } = new ProbeAnswer?[resolvers];
}
