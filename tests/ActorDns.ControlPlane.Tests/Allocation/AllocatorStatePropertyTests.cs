using System.Net;
using ActorDns.ControlPlane.Allocation;
using ActorDns.ControlPlane.Catalog;
using ActorDns.ControlPlane.Events;
using Xunit;

namespace ActorDns.ControlPlane.Tests.Allocation;

/// <summary>
/// SPEC §3 invariants of <see cref="AllocatorState"/> over thousands of random add/remove/reconcile steps from a
/// fixed seed, checked against an independent model of next-free-after-cursor with a reuse quarantine.
/// </summary>
public sealed class AllocatorStatePropertyTests
{
    private const int Seed = 20_250_101;

    [Theory]
    [InlineData("10.0.0.0/27", null, 40, 5000)]
    [InlineData("10.0.0.0/26", "fd00:fd00::/123", 50, 4000)]
    [InlineData("240.0.0.0/4", "fd00:fd00::/64", 60, 2000)]
    public void Decide_RandomAddRemoveSteps_KeepsInvariantsAndFollowsModel(string cidr, string? cidrV6, int keyCount, int steps)
    {
        var random = new Random(Seed);
        var delay = TimeSpan.FromSeconds(120);
        var driver = new AllocatorDriver(cidr, cidrV6, delay);
        var v4 = new FamilyModel(driver.State.Settings.Pool, delay);
        var v6 = driver.State.Settings.PoolV6 is { } poolV6 ? new FamilyModel(poolV6, delay) : null;
        var keys = Enumerable.Range(0, keyCount).Select(i => i % 3 == 0 ? $"host:h{i}.example.com" : $"service:s{i}").ToArray();

        for (var step = 0; step < steps; step++)
        {
            driver.Advance(TimeSpan.FromSeconds(random.Next(0, 25)));
            var roll = random.Next(100);
            var reconciled = false;
            IReadOnlyList<IMeshEvent> events;
            if (roll < 45)
            {
                events = driver.Add(Pick(random, keys, random.Next(1, 4)));
            }
            else if (roll < 90)
            {
                var candidates = random.Next(4) == 0 ? keys : driver.Wanted.Order().Select(k => k.ToString()).ToArray();
                events = candidates.Length == 0 ? [] : driver.Remove(Pick(random, candidates, random.Next(1, 3)));
            }
            else
            {
                events = driver.Reconcile();
                reconciled = true;
            }

            foreach (var @event in events)
            {
                Follow(@event, driver, v4, v6, step);
            }

            CheckInvariants(driver, v4, v6, reconciled, step);
        }

        var replayed = driver.Journal.Aggregate(AllocatorState.Empty(driver.State.Settings), (s, e) => s.Apply(e));
        Assert.Equal(driver.State.Assignments, replayed.Assignments);
        Assert.Equal(driver.State.V4.Cursor, replayed.V4.Cursor);
    }

    private static string[] Pick(Random random, string[] from, int count) =>
        Enumerable.Range(0, count).Select(_ => from[random.Next(from.Length)]).ToArray();

    private static void Follow(IMeshEvent @event, AllocatorDriver driver, FamilyModel v4, FamilyModel? v6, int step)
    {
        switch (@event)
        {
            case VipReleased released:
                Assert.False(driver.Wanted.Contains(EntryKey.Parse(released.Key)), $"step {step}: released the VIP of wanted {released.Key}");
                v4.Release(released.Key, released.Vip, driver.Now, step);
                v6?.Release(released.Key, released.VipV6, driver.Now, step);
                break;
            case VipAllocated allocated:
                Assert.Contains(EntryKey.Parse(allocated.Key), driver.Wanted);
                Assert.Equal(driver.Now, allocated.At);
                v4.Allocate(allocated.Key, allocated.Vip, driver.Now, step);
                if (v6 is null)
                {
                    Assert.Null(allocated.VipV6);
                }
                else
                {
                    v6.Allocate(allocated.Key, allocated.VipV6, driver.Now, step);
                }

                break;
            default:
                Assert.Fail($"step {step}: unexpected event {@event}");
                break;
        }
    }

    private static void CheckInvariants(AllocatorDriver driver, FamilyModel v4, FamilyModel? v6, bool reconciled, int step)
    {
        var state = driver.State;
        Assert.All(state.Assignments.Keys, key => Assert.Contains(key, driver.Wanted));
        Assert.All(state.Assignments, pair => Assert.Equal(pair.Key, pair.Value.Key));
        v4.Check(state.Assignments.Values.Select(a => (a.Key.ToString(), a.Vip)), state.V4, step);
        v6?.Check(state.Assignments.Values.Select(a => (a.Key.ToString(), a.VipV6)), state.V6, step);
        if (v6 is null)
        {
            Assert.All(state.Assignments.Values, a => Assert.Null(a.VipV6));
        }

        foreach (var key in driver.Wanted)
        {
            var lacks = !v4.Held.ContainsKey(key.ToString()) || (v6 is not null && !v6.Held.ContainsKey(key.ToString()));
            Assert.Equal(lacks, state.LacksVip(key));
        }

        if (reconciled)
        {
            // After a full pass, a wanted entry may lack a VIP only because its pool has nothing free.
            Assert.True(driver.Wanted.All(k => v4.Held.ContainsKey(k.ToString())) || v4.ExpectedNext(driver.Now) is null, $"step {step}: v4 free but unallocated");
            Assert.True(v6 is null || driver.Wanted.All(k => v6.Held.ContainsKey(k.ToString())) || v6.ExpectedNext(driver.Now) is null, $"step {step}: v6 free but unallocated");
        }
    }

    /// <summary>What one family's VIPs should be, written independently of <see cref="AddressBook"/>.</summary>
    private sealed class FamilyModel(IpPool pool, TimeSpan delay)
    {
        public Dictionary<string, UInt128> Held { get; } = new(StringComparer.Ordinal);

        private Dictionary<UInt128, string> Owner { get; } = [];

        private Dictionary<UInt128, DateTimeOffset> ReleasedAt { get; } = [];

        private UInt128? Cursor { get; set; }

        public UInt128? ExpectedNext(DateTimeOffset now)
        {
            var candidate = Cursor is { } c && c >= pool.First && c < pool.Last ? c + 1 : pool.First;
            for (UInt128 i = 0; i < pool.Size; i++)
            {
                var quarantined = ReleasedAt.TryGetValue(candidate, out var at) && now - at < delay;
                if (!Owner.ContainsKey(candidate) && !quarantined)
                {
                    return candidate;
                }

                candidate = candidate == pool.Last ? pool.First : candidate + 1;
            }

            return null;
        }

        public void Allocate(string key, string? vip, DateTimeOffset now, int step)
        {
            if (Held.ContainsKey(key))
            {
                Assert.True(vip is null, $"step {step}: {key} given a second VIP {vip}");
                return;
            }

            var expected = ExpectedNext(now);
            if (vip is null)
            {
                Assert.True(expected is null, $"step {step}: {key} left without a VIP while {expected} is free");
                return;
            }

            var address = IpPool.ToInteger(IPAddress.Parse(vip));
            Assert.True(expected == address, $"step {step}: {key} got {vip}, model expected {(expected is { } e ? pool.ToAddress(e) : "none")}");
            Held[key] = address;
            Owner[address] = key;
            Cursor = address;
        }

        public void Release(string key, string? vip, DateTimeOffset now, int step)
        {
            if (vip is null)
            {
                Assert.False(Held.ContainsKey(key), $"step {step}: {key} released without giving up its VIP");
                return;
            }

            var address = IpPool.ToInteger(IPAddress.Parse(vip));
            Assert.True(Held.TryGetValue(key, out var held) && held == address, $"step {step}: {key} released {vip} it did not hold");
            Held.Remove(key);
            Owner.Remove(address);
            ReleasedAt[address] = now;
        }

        public void Check(IEnumerable<(string Key, IPAddress? Vip)> assigned, AddressBook book, int step)
        {
            var actual = assigned.Where(p => p.Vip is not null).ToDictionary(p => p.Key, p => IpPool.ToInteger(p.Vip!), StringComparer.Ordinal);
            Assert.Equal(Held.Count, actual.Count);
            Assert.Equal(actual.Count, actual.Values.Distinct().Count());
            foreach (var (key, address) in actual)
            {
                Assert.True(Held.TryGetValue(key, out var held) && held == address, $"step {step}: {key} holds {pool.ToAddress(address)} unlike the model");
                Assert.True(pool.Contains(pool.ToAddress(address)), $"step {step}: {pool.ToAddress(address)} outside {pool.Cidr}");
                Assert.Equal(key, book.Used[address].ToString());
            }

            Assert.Equal(actual.Count, book.Used.Count);
            Assert.DoesNotContain(book.Quarantined.Keys, book.Used.ContainsKey);
        }
    }
}
