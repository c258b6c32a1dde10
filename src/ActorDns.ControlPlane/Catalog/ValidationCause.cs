namespace ActorDns.ControlPlane.Catalog;

/// <summary>One reason a resource was rejected, naming the field as Kuma's API does (<c>networking.inbound[0].port</c>).</summary>
public sealed record ValidationCause(string Field, string Message);
