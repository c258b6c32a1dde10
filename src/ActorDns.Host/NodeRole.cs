namespace ActorDns.Host;

/// <summary>What an <c>actordns</c> process runs (SPEC §1).</summary>
public enum NodeRole
{
    /// <summary>Control plane and one resolver in one process: a one-node cluster on the embedded journal.</summary>
    Standalone,

    /// <summary>A control-plane cluster node: mesh shards, the journal, the API. No DNS listeners.</summary>
    ControlPlane,

    /// <summary>A resolver node: DNS listeners fed by the control plane over the cluster. No shards, no journal.</summary>
    Resolver,
}
