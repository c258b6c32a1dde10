using ActorDns.ControlPlane.Allocation;
using ActorDns.ControlPlane.Catalog;
using ActorDns.ControlPlane.Events;

namespace ActorDns.ControlPlane.Tests.Allocation;

/// <summary>
/// Drives an <see cref="AllocatorState"/> as its actor would: a set of wanted keys, a clock passed in by hand,
/// every decided event applied at once and kept in a journal. Keys are written in their text form, <c>service:a</c>.
/// </summary>
internal sealed class AllocatorDriver
{
    public static readonly DateTimeOffset T0 = new(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public static readonly TimeSpan DefaultDelay = TimeSpan.FromSeconds(120);

    public AllocatorDriver(string cidr, string? cidrV6 = null, TimeSpan? reuseDelay = null)
        : this(new AllocatorSettings(IpPool.Parse(cidr), cidrV6 is null ? null : IpPool.Parse(cidrV6), reuseDelay ?? DefaultDelay))
    {
    }

    public AllocatorDriver(AllocatorSettings settings) => State = AllocatorState.Empty(settings);

    public AllocatorState State { get; set; }

    public HashSet<EntryKey> Wanted { get; } = [];

    public DateTimeOffset Now { get; private set; } = T0;

    public List<IMeshEvent> Journal { get; } = [];

    public IReadOnlyList<IMeshEvent> Add(params string[] keys)
    {
        Wanted.UnionWith(keys.Select(EntryKey.Parse));
        return Decide(keys.Select(EntryKey.Parse));
    }

    public IReadOnlyList<IMeshEvent> Remove(params string[] keys)
    {
        Wanted.ExceptWith(keys.Select(EntryKey.Parse));
        return Decide(keys.Select(EntryKey.Parse));
    }

    /// <summary>Every key known to the state or wanted, as a periodic reconcile passes them.</summary>
    public IReadOnlyList<IMeshEvent> Reconcile() => Decide([.. State.Assignments.Keys, .. Wanted]);

    public IReadOnlyList<IMeshEvent> Decide(IEnumerable<EntryKey> keys)
    {
        var events = State.Decide(keys, Wanted.Contains, Now);
        foreach (var @event in events)
        {
            State = State.Apply(@event);
            Journal.Add(@event);
        }

        return events;
    }

    public void Advance(TimeSpan by) => Now += by;

    public void ChangeSettings(AllocatorSettings settings) => State = State.WithSettings(settings);

    public string? Vip(string key) => State.Assignments.TryGetValue(EntryKey.Parse(key), out var a) ? a.Vip?.ToString() : null;

    public string? VipV6(string key) => State.Assignments.TryGetValue(EntryKey.Parse(key), out var a) ? a.VipV6?.ToString() : null;
}
