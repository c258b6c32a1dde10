using System.Collections.Immutable;
using System.Net;
using ActorDns.ControlPlane.Catalog;
using ActorDns.ControlPlane.Events;

namespace ActorDns.ControlPlane.Allocation;

/// <summary>
/// The VIPs of one mesh, as pure state: <see cref="Decide"/> turns the wanted entries into events,
/// <see cref="Apply"/> folds an event in. Time comes in with the call; nothing here reads a clock.
/// </summary>
/// <remarks>
/// Invariants (SPEC §3): an entry keeps its VIP for as long as it is wanted and inside the pool; no VIP is
/// held by two entries; allocation takes the next free address after the last one allocated, wrapping
/// around; a released VIP is not handed out again until <see cref="AllocatorSettings.ReuseDelay"/> has
/// passed (differs from Kuma, which reuses the lowest free address at once — Kuma issues #2607, #13463).
/// </remarks>
public sealed record AllocatorState
{
    public static AllocatorState Empty(AllocatorSettings settings) => new() { Settings = settings };

    public required AllocatorSettings Settings { get; init; }

    public ImmutableSortedDictionary<EntryKey, VipAssignment> Assignments { get; init; } = ImmutableSortedDictionary<EntryKey, VipAssignment>.Empty;

    /// <summary>The book of each named pool that has given out an address.</summary>
    public ImmutableSortedDictionary<string, AddressBook> Books { get; init; } =
        ImmutableSortedDictionary.Create<string, AddressBook>(StringComparer.Ordinal);

    /// <summary>The book of the <see cref="VipPools.Service"/> pool.</summary>
    public AddressBook V4 => Book(VipPools.Service);

    /// <summary>The book of the <see cref="VipPools.ServiceV6"/> pool.</summary>
    public AddressBook V6 => Book(VipPools.ServiceV6);

    public AddressBook Book(string pool) => Books.GetValueOrDefault(pool, AddressBook.Empty);

    /// <summary>
    /// The events that bring the given entries in line: a VIP released when its entry is no longer wanted
    /// or the address left the pool, then allocations, in ordinal key order, for wanted entries lacking a
    /// VIP. An entry for which no address is free stays without one (exhaustion); a later call retries it.
    /// Only <paramref name="keys"/> are looked at, so a change costs in proportion to its size.
    /// </summary>
    public IReadOnlyList<IMeshEvent> Decide(IEnumerable<EntryKey> keys, Func<EntryKey, bool> isWanted, DateTimeOffset now)
    {
        var events = new List<IMeshEvent>();
        var state = this;
        foreach (var key in keys.Distinct().Order())
        {
            var wanted = isWanted(key);
            var (poolV4, poolV6) = VipPools.For(key);
            var pool = Settings.PoolNamed(poolV4);
            var pool6 = Settings.PoolNamed(poolV6);
            if (state.Assignments.TryGetValue(key, out var current))
            {
                var release = new VipReleased(
                    key.ToString(),
                    current.Vip is { } v4 && (!wanted || pool?.Contains(v4) != true) ? v4.ToString() : null,
                    current.VipV6 is { } v6 && (!wanted || pool6?.Contains(v6) != true) ? v6.ToString() : null,
                    now);
                if (release.Vip is not null || release.VipV6 is not null)
                {
                    events.Add(release);
                    state = state.Apply(release);
                    state.Assignments.TryGetValue(key, out current);
                }
            }

            if (!wanted)
            {
                continue;
            }

            var newV4 = current?.Vip is null && pool is not null ? state.Book(poolV4).FindFree(pool, Settings.ReuseDelay, now) : null;
            var newV6 = current?.VipV6 is null && pool6 is not null ? state.Book(poolV6).FindFree(pool6, Settings.ReuseDelay, now) : null;
            if (newV4 is not null || newV6 is not null)
            {
                var allocated = new VipAllocated(key.ToString(), newV4?.ToString(), newV6?.ToString(), now);
                events.Add(allocated);
                state = state.Apply(allocated);
            }
        }

        return events;
    }

    /// <summary>
    /// Whether <see cref="Decide"/> has anything to look at for <paramref name="key"/>: a VIP to release (the entry is not
    /// wanted, or the address left its pool) or, for a wanted entry, a family without one. Reads only, allocates nothing,
    /// so a reconcile of a whole mesh sorts and decides just these.
    /// </summary>
    public bool NeedsDecision(EntryKey key, bool wanted)
    {
        var (poolV4, poolV6) = VipPools.For(key);
        var pool = Settings.PoolNamed(poolV4);
        var pool6 = Settings.PoolNamed(poolV6);
        if (!Assignments.TryGetValue(key, out var current))
        {
            return wanted && (pool is not null || pool6 is not null);
        }

        return (current.Vip is { } v4 && (!wanted || pool?.Contains(v4) != true))
            || (current.VipV6 is { } v6 && (!wanted || pool6?.Contains(v6) != true))
            || (wanted && ((current.Vip is null && pool is not null) || (current.VipV6 is null && pool6 is not null)));
    }

    /// <summary>True when a wanted entry lacks a VIP from a configured pool (the pool is exhausted for it).</summary>
    public bool LacksVip(EntryKey key) => LacksVip(key, Assignments.GetValueOrDefault(key));

    /// <summary><see cref="LacksVip(EntryKey)"/> for a caller that has the entry's assignment (or none) at hand.</summary>
    public bool LacksVip(EntryKey key, VipAssignment? assignment) =>
        assignment?.Vip is null || (Settings.PoolNamed(VipPools.For(key).V6) is not null && assignment.VipV6 is null);

    public AllocatorState Apply(IMeshEvent @event) => @event switch
    {
        VipAllocated allocated => ApplyAllocated(allocated),
        VipReleased released => ApplyReleased(released),
        _ => this,
    };

    private AllocatorState ApplyAllocated(VipAllocated e)
    {
        var key = EntryKey.Parse(e.Key);
        Assignments.TryGetValue(key, out var current);
        var v4 = e.Vip is null ? current?.Vip : IPAddress.Parse(e.Vip);
        var v6 = e.VipV6 is null ? current?.VipV6 : IPAddress.Parse(e.VipV6);
        var (poolV4, poolV6) = VipPools.For(key);
        var books = Books;
        if (e.Vip is not null)
        {
            books = books.SetItem(poolV4, Book(poolV4).Take(IpPool.ToInteger(v4!), key, e.At, Settings.ReuseDelay));
        }

        if (e.VipV6 is not null)
        {
            books = books.SetItem(poolV6, Book(poolV6).Take(IpPool.ToInteger(v6!), key, e.At, Settings.ReuseDelay));
        }

        return this with { Assignments = Assignments.SetItem(key, new VipAssignment(key, v4, v6, current?.Since ?? e.At)), Books = books };
    }

    private AllocatorState ApplyReleased(VipReleased e)
    {
        var key = EntryKey.Parse(e.Key);
        if (!Assignments.TryGetValue(key, out var current))
        {
            return this;
        }

        var remaining = current with
        {
            Vip = e.Vip is null ? current.Vip : null,
            VipV6 = e.VipV6 is null ? current.VipV6 : null,
        };
        var (poolV4, poolV6) = VipPools.For(key);
        var books = Books;
        if (e.Vip is not null)
        {
            books = books.SetItem(poolV4, Book(poolV4).Release(IpPool.ToInteger(IPAddress.Parse(e.Vip)), e.At));
        }

        if (e.VipV6 is not null)
        {
            books = books.SetItem(poolV6, Book(poolV6).Release(IpPool.ToInteger(IPAddress.Parse(e.VipV6)), e.At));
        }

        return this with
        {
            Assignments = remaining.Vip is null && remaining.VipV6 is null ? Assignments.Remove(key) : Assignments.SetItem(key, remaining),
            Books = books,
        };
    }

    /// <summary>The state under new settings (a changed CIDR or delay); the next <see cref="Decide"/> re-addresses what falls outside.</summary>
    public AllocatorState WithSettings(AllocatorSettings settings) => this with { Settings = settings };
}
