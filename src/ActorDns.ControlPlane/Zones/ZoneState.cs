using System.Collections.Immutable;
using ActorDns.ControlPlane.Allocation;
using ActorDns.ControlPlane.Catalog;
using ActorDns.Server.Query;

namespace ActorDns.ControlPlane.Zones;

/// <summary>
/// The DNS view of one mesh: every claim on every name and the winning record per name, updated for just
/// the entries a change touched, so it yields the delta for the resolvers directly.
/// </summary>
/// <remarks>
/// Invariant: <see cref="Records"/> holds, for each lower-cased name, the record of its best claim — lowest
/// rank (an exact service name beats a dotted alias), then the oldest entry, then the key. An entry's names come
/// from the caller (<c>namesOf</c>) and may change between calls (a label, a hostname generator); the names each
/// entry claims are kept, so a name it no longer has loses its claim.
/// </remarks>
public sealed record ZoneState(string Domain)
{
    public ImmutableDictionary<string, ImmutableList<ZoneClaim>> Claims { get; init; } =
        ImmutableDictionary.Create<string, ImmutableList<ZoneClaim>>(StringComparer.Ordinal);

    public ImmutableSortedDictionary<string, ZoneRecord> Records { get; init; } =
        ImmutableSortedDictionary.Create<string, ZoneRecord>(StringComparer.Ordinal);

    /// <summary>The lower-cased names each entry claims now.</summary>
    public ImmutableDictionary<EntryKey, ImmutableArray<string>> Claimed { get; init; } = ImmutableDictionary<EntryKey, ImmutableArray<string>>.Empty;

    /// <summary>
    /// The view of all <paramref name="keys"/> at once (recovery): the same result as <see cref="Update"/> on an
    /// empty view, built in mutable collections and frozen once instead of copied per key.
    /// </summary>
    public static ZoneState Build(
        string domain, IEnumerable<EntryKey> keys, Func<EntryKey, VipAssignment?> assignmentOf, Func<EntryKey, IEnumerable<ZoneName>> namesOf)
    {
        var claims = new Dictionary<string, List<ZoneClaim>>(StringComparer.Ordinal);
        var claimed = ImmutableDictionary.CreateBuilder<EntryKey, ImmutableArray<string>>();
        foreach (var key in keys.Distinct())
        {
            if (assignmentOf(key) is not { } assignment)
            {
                continue;
            }

            IReadOnlyList<System.Net.IPAddress> addresses = new[] { assignment.Vip, assignment.VipV6 }.OfType<System.Net.IPAddress>().ToList();
            var names = ImmutableArray.CreateBuilder<string>();
            foreach (var (name, rank, srvPort) in namesOf(key))
            {
                if (addresses.Count > 0 && ZoneNames.Problem(name) is null)
                {
                    var lower = ZoneNames.Key(name);
                    if (!claims.TryGetValue(lower, out var list))
                    {
                        claims[lower] = list = [];
                    }

                    list.Add(new ZoneClaim(key, name, rank, assignment.Since, addresses, srvPort));
                    names.Add(lower);
                }
            }

            if (names.Count > 0)
            {
                claimed[key] = names.ToImmutable();
            }
        }

        var frozen = claims.ToImmutableDictionary(p => p.Key, p => p.Value.ToImmutableList(), StringComparer.Ordinal);
        var records = frozen.Select(p => (p.Key, Best: Serving(p.Key, frozen.GetValueOrDefault)))
            .Where(p => p.Best is not null)
            .ToImmutableSortedDictionary(p => p.Key, p => RecordOf(p.Best!), StringComparer.Ordinal);
        return new ZoneState(domain) { Claims = frozen, Records = records, Claimed = claimed.ToImmutable() };
    }

    /// <summary>
    /// Re-derives the claims of <paramref name="keys"/> from their assignments (null = not wanted or no VIP)
    /// and returns the new state with the records that changed and the names that disappeared.
    /// </summary>
    public (ZoneState State, List<ZoneRecord> Upserts, List<string> Removals) Update(
        IEnumerable<EntryKey> keys, Func<EntryKey, VipAssignment?> assignmentOf, Func<EntryKey, IEnumerable<ZoneName>> namesOf)
    {
        var claims = Claims.ToBuilder();
        var claimed = Claimed.ToBuilder();
        var touched = new HashSet<string>(StringComparer.Ordinal);
        foreach (var key in keys.Distinct())
        {
            // The key's claims on the names it had are dropped first, then made again on the names it has now.
            foreach (var lower in claimed.GetValueOrDefault(key, []))
            {
                touched.Add(lower);
                var remaining = claims.GetValueOrDefault(lower, []).RemoveAll(c => c.Key == key);
                if (remaining.IsEmpty)
                {
                    claims.Remove(lower);
                }
                else
                {
                    claims[lower] = remaining;
                }
            }

            claimed.Remove(key);
            var assignment = assignmentOf(key);
            IReadOnlyList<System.Net.IPAddress> addresses = assignment is null
                ? []
                : new[] { assignment.Vip, assignment.VipV6 }.OfType<System.Net.IPAddress>().ToList();
            if (addresses.Count == 0)
            {
                continue;
            }

            var names = ImmutableArray.CreateBuilder<string>();
            foreach (var (name, rank, srvPort) in namesOf(key))
            {
                if (ZoneNames.Problem(name) is not null)
                {
                    continue;
                }

                var lower = ZoneNames.Key(name);
                touched.Add(lower);
                names.Add(lower);
                claims[lower] = claims.GetValueOrDefault(lower, []).RemoveAll(c => c.Key == key).Add(new ZoneClaim(key, name, rank, assignment!.Since, addresses, srvPort));
            }

            if (names.Count > 0)
            {
                claimed[key] = names.ToImmutable();
            }
        }

        var records = Records.ToBuilder();
        var upserts = new List<ZoneRecord>();
        var removals = new List<string>();

        // A change of who serves a hostname changes who serves the service names under it.
        foreach (var hostname in touched.ToList())
        {
            foreach (var claim in claims.GetValueOrDefault(hostname, []))
            {
                touched.UnionWith(claimed.GetValueOrDefault(claim.Key, []).Where(n => n.EndsWith("." + hostname, StringComparison.Ordinal)));
            }
        }

        foreach (var lower in touched)
        {
            var winner = Serving(lower, claims.GetValueOrDefault);
            records.TryGetValue(lower, out var old);
            if (winner is null)
            {
                if (old is not null)
                {
                    removals.Add(old.Name);
                    records.Remove(lower);
                }

                continue;
            }

            var record = RecordOf(winner);
            if (old is null || old.Name != record.Name || old.SrvPort != record.SrvPort || !old.Addresses.SequenceEqual(record.Addresses))
            {
                upserts.Add(record);
                records[lower] = record;
            }
        }

        return (this with { Claims = claims.ToImmutable(), Records = records.ToImmutable(), Claimed = claimed.ToImmutable() }, upserts, removals);
    }

    /// <summary>
    /// The claim that serves <paramref name="lower"/>: the best one; for a service name, the claim of the entry that
    /// serves its target hostname, so an SRV answer never points at another entry's address (none when that entry
    /// has no such service name).
    /// </summary>
    private static ZoneClaim? Serving(string lower, Func<string, ImmutableList<ZoneClaim>?> claimsOf)
    {
        if (claimsOf(lower) is not { } claims || Best(claims) is not { } best)
        {
            return null;
        }

        if (best.SrvPort is null)
        {
            return best;
        }

        var target = ZoneRecord.SrvTargetOf(lower);
        var owner = claimsOf(target) is { } targetClaims ? Best(targetClaims)?.Key : null;
        return claims.FirstOrDefault(c => c.Key == owner);
    }

    private static ZoneRecord RecordOf(ZoneClaim claim) => new(claim.Name, claim.Addresses) { SrvPort = claim.SrvPort };

    /// <summary>The key whose claim serves <paramref name="name"/>, if any.</summary>
    public EntryKey? Winner(string name) => Claims.TryGetValue(ZoneNames.Key(name), out var list) ? Best(list)?.Key : null;

    private static ZoneClaim? Best(ImmutableList<ZoneClaim> claims)
    {
        ZoneClaim? best = null;
        foreach (var claim in claims)
        {
            if (best is null || (claim.Rank, claim.Since).CompareTo((best.Rank, best.Since)) < 0
                || (claim.Rank == best.Rank && claim.Since == best.Since && claim.Key.CompareTo(best.Key) < 0))
            {
                best = claim;
            }
        }

        return best;
    }
}
