using System.Net;

namespace ActorDns.Server.Query;

/// <summary>One name of a zone and the VIPs it resolves to, as the control plane publishes it.</summary>
public sealed record ZoneRecord(string Name, IReadOnlyList<IPAddress> Addresses);
