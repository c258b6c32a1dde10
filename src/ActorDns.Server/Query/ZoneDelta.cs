namespace ActorDns.Server.Query;

/// <summary>
/// The change from table version <see cref="FromVersion"/> to <see cref="ToVersion"/>: names added or
/// changed, and names removed. Applying it to any other version is a caller bug.
/// </summary>
public sealed record ZoneDelta(long FromVersion, long ToVersion, IReadOnlyList<ZoneRecord> Upserts, IReadOnlyList<string> Removals);
