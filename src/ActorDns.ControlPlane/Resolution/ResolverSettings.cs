namespace ActorDns.ControlPlane.Resolution;

/// <summary>How a resolver keeps up with the control plane.</summary>
public sealed record ResolverSettings
{
    /// <summary>How often each mesh's version is compared with the control plane's (repairs a lost delta).</summary>
    public TimeSpan VersionCheckInterval { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>How long a request to the control plane may take before it is retried at the next check.</summary>
    public TimeSpan AskTimeout { get; init; } = TimeSpan.FromSeconds(5);
}
