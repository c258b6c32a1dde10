namespace ActorDns.LoadTest.Churn;

/// <summary>What a probe waits for.</summary>
internal enum ProbeGoal
{
    /// <summary>NOERROR with an A record.</summary>
    Resolvable,

    /// <summary>
    /// Any answer without an A record: NXDOMAIN, NODATA, or SERVFAIL — the last when the resolver hands an
    /// unknown mesh name to an upstream that fails (the default pipeline, SPEC §4.2). REFUSED is not taken
    /// as gone: a resolver answers it when saturated, whatever its table holds.
    /// </summary>
    Gone,
}
