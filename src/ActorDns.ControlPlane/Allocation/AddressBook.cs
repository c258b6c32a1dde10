using System.Collections.Immutable;
using System.Net;
using ActorDns.ControlPlane.Catalog;

namespace ActorDns.ControlPlane.Allocation;

/// <summary>
/// The addresses of one family in use, in quarantine (released, with the time), and the allocation cursor.
/// </summary>
public sealed record AddressBook
{
    public static AddressBook Empty { get; } = new();

    public ImmutableDictionary<UInt128, EntryKey> Used { get; init; } = ImmutableDictionary<UInt128, EntryKey>.Empty;

    public ImmutableDictionary<UInt128, DateTimeOffset> Quarantined { get; init; } = ImmutableDictionary<UInt128, DateTimeOffset>.Empty;

    /// <summary>Releases in the order they happened, so expired quarantine is dropped from the front.</summary>
    public ImmutableQueue<(UInt128 Address, DateTimeOffset At)> Releases { get; init; } = ImmutableQueue<(UInt128, DateTimeOffset)>.Empty;

    /// <summary>The last address allocated; the next search starts after it.</summary>
    public UInt128? Cursor { get; init; }

    /// <summary>
    /// The first address after the cursor (wrapping) that is neither used nor released less than
    /// <paramref name="reuseDelay"/> ago; null when the pool has none. Probes at most used + quarantined + 1
    /// addresses, so a large, mostly free pool answers at once.
    /// </summary>
    public IPAddress? FindFree(IpPool pool, TimeSpan reuseDelay, DateTimeOffset now)
    {
        var candidate = pool.Next(Cursor ?? pool.Last);
        var budget = UInt128.Min(pool.Size, (UInt128)(Used.Count + Quarantined.Count + 1));
        for (UInt128 probe = 0; probe < budget; probe++, candidate = pool.Next(candidate))
        {
            var quarantined = Quarantined.TryGetValue(candidate, out var releasedAt) && now - releasedAt < reuseDelay;
            if (!Used.ContainsKey(candidate) && !quarantined)
            {
                return pool.ToAddress(candidate);
            }
        }

        return null;
    }

    public AddressBook Take(UInt128 address, EntryKey key, DateTimeOffset at, TimeSpan reuseDelay)
    {
        var releases = Releases;
        var quarantined = Quarantined.Remove(address);
        while (!releases.IsEmpty && at - releases.Peek().At >= reuseDelay)
        {
            releases = releases.Dequeue(out var expired);
            if (quarantined.TryGetValue(expired.Address, out var when) && when == expired.At)
            {
                quarantined = quarantined.Remove(expired.Address);
            }
        }

        return this with { Used = Used.SetItem(address, key), Quarantined = quarantined, Releases = releases, Cursor = address };
    }

    public AddressBook Release(UInt128 address, DateTimeOffset at) => this with
    {
        Used = Used.Remove(address),
        Quarantined = Quarantined.SetItem(address, at),
        Releases = Releases.Enqueue((address, at)),
    };
}
