namespace ActorDns.Server.Forwarding;

/// <summary>The client's reply a forward wrote: its length, and whether an upstream answered (false: the forwarder's own SERVFAIL).</summary>
public readonly record struct ForwardResult(int Length, bool Answered);
