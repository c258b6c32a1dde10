using System.Net;
using ActorDns.ControlPlane.Allocation;
using ActorDns.ControlPlane.Events;
using Xunit;
using static ActorDns.ControlPlane.Tests.Support.Keys;

namespace ActorDns.ControlPlane.Tests.Allocation;

/// <summary>
/// SPEC §3 allocation rules on <see cref="AllocatorState"/>, with Kuma's IPAM scenarios (reference §11, 1–6 and
/// 10, 13, 31, 32) where they still apply. Differs from Kuma on purpose: the first VIP is the first host address,
/// and allocation is next-free-after-cursor with a reuse quarantine instead of lowest-free.
/// </summary>
public sealed class AllocatorStateTests
{
    private static readonly TimeSpan Delay = AllocatorDriver.DefaultDelay;

    [Fact]
    public void Decide_FirstEntryInDefaultPool_Gets240001()
    {
        var driver = new AllocatorDriver(AllocatorSettings.Default);

        var events = driver.Add("service:backend");

        var allocated = Assert.IsType<VipAllocated>(Assert.Single(events));
        Assert.Equal(new VipAllocated("service:backend", "240.0.0.1", null, AllocatorDriver.T0), allocated);
        Assert.Equal("240.0.0.1", driver.Vip("service:backend"));
    }

    [Fact]
    public void Decide_TwoEntriesInOneCall_AllocatesInOrdinalKeyOrder()
    {
        // Kuma scenario 31 (with our first address): backend, frontend → .1, .2.
        var driver = new AllocatorDriver("240.0.0.0/4");

        driver.Add("service:frontend", "service:backend");

        Assert.Equal("240.0.0.1", driver.Vip("service:backend"));
        Assert.Equal("240.0.0.2", driver.Vip("service:frontend"));
    }

    [Fact]
    public void Decide_SameEntryTwice_SecondCallReturnsNoEventsAndSameVip()
    {
        // Kuma scenarios 4, 5: allocating an entry that has a VIP returns that VIP.
        var driver = new AllocatorDriver("240.0.0.0/4");
        driver.Add("service:foo.com");

        var again = driver.Add("service:foo.com");

        Assert.Empty(again);
        Assert.Equal("240.0.0.1", driver.Vip("service:foo.com"));
    }

    [Fact]
    public void Decide_KeyListedTwice_AllocatesOnce()
    {
        var driver = new AllocatorDriver("240.0.0.0/4");

        var events = driver.Add("service:a", "service:a");

        Assert.Single(events);
        Assert.Equal(IPAddress.Parse("240.0.0.2"), driver.State.V4.FindFree(driver.State.Settings.Pool, Delay, driver.Now));
    }

    [Fact]
    public void Decide_UnwantedKeyWithoutVip_NoEvents()
    {
        var driver = new AllocatorDriver("240.0.0.0/4");

        var events = driver.Decide([K("service:ghost")]);

        Assert.Empty(events);
        Assert.Empty(driver.State.Assignments);
    }

    [Fact]
    public void Decide_ExistingAssignmentsAndNewEntry_KeepsExistingAndAllocatesNew()
    {
        // Kuma scenarios 10 and 32: entries already holding VIPs keep them; only the new one is allocated.
        var driver = new AllocatorDriver("240.0.0.0/24");
        driver.Add("service:frontend", "service:backend");

        var events = driver.Add("service:backend", "service:database", "service:frontend");

        Assert.Equal([new VipAllocated("service:database", "240.0.0.3", null, driver.Now)], events);
        Assert.Equal("240.0.0.1", driver.Vip("service:backend"));
        Assert.Equal("240.0.0.2", driver.Vip("service:frontend"));
    }

    [Fact]
    public void Decide_ArbitraryOtherChanges_EntryKeepsItsVip()
    {
        var driver = new AllocatorDriver("10.0.0.0/24");
        driver.Add("service:a", "service:b");
        driver.Add("service:stable");
        var vip = driver.Vip("service:stable");

        for (var round = 0; round < 50; round++)
        {
            driver.Advance(TimeSpan.FromSeconds(37));
            driver.Add($"service:other-{round}");
            driver.Remove($"service:other-{round - 3}", "service:a");
            driver.Add("service:a", "service:stable");
            driver.Reconcile();
        }

        driver.ChangeSettings(driver.State.Settings with { ReuseDelay = TimeSpan.FromSeconds(1), PoolV6 = IpPool.Parse("fd00::/120") });
        driver.ChangeSettings(driver.State.Settings with { Pool = IpPool.Parse("10.0.0.0/16") });
        driver.Reconcile();

        Assert.Equal(vip, driver.Vip("service:stable"));
        Assert.Equal(AllocatorDriver.T0, driver.State.Assignments[K("service:stable")].Since);
    }

    [Fact]
    public void Decide_EntryNoLongerWanted_ReleasesBothVipsAndForgetsIt()
    {
        var driver = new AllocatorDriver("240.0.0.0/4", "fd00:fd00::/64");
        driver.Add("service:a");
        driver.Advance(TimeSpan.FromSeconds(3));

        var events = driver.Remove("service:a");

        Assert.Equal([new VipReleased("service:a", "240.0.0.1", "fd00:fd00::1", driver.Now)], events);
        Assert.DoesNotContain(K("service:a"), driver.State.Assignments.Keys);
        Assert.Empty(driver.State.V4.Used);
        Assert.Empty(driver.State.V6.Used);
        Assert.True(driver.State.LacksVip(K("service:a")));
    }

    [Fact]
    public void Decide_AfterRelease_TakesNextAfterCursorNotLowestFree()
    {
        var driver = new AllocatorDriver("10.0.0.0/24", reuseDelay: TimeSpan.Zero);
        driver.Add("service:a", "service:b", "service:c");
        driver.Remove("service:a", "service:b");

        driver.Add("service:d");

        // Kuma would hand out the lowest free address (.1); we continue after the cursor (.3).
        Assert.Equal("10.0.0.4", driver.Vip("service:d"));
    }

    [Fact]
    public void Decide_CursorAfterReleasedLastAllocation_DoesNotStepBack()
    {
        var driver = new AllocatorDriver("10.0.0.0/24", reuseDelay: TimeSpan.Zero);
        driver.Add("service:a", "service:b");
        driver.Remove("service:b");

        driver.Add("service:c");

        Assert.Equal("10.0.0.3", driver.Vip("service:c"));
    }

    [Fact]
    public void Decide_CursorAtPoolEnd_WrapsAroundToFirstFree()
    {
        var driver = new AllocatorDriver("10.0.0.0/29");
        driver.Add("service:s1", "service:s2", "service:s3", "service:s4", "service:s5", "service:s6");
        driver.Remove("service:s1", "service:s3");
        driver.Advance(Delay);

        driver.Add("service:x");
        driver.Add("service:y");

        Assert.Equal("10.0.0.1", driver.Vip("service:x"));
        Assert.Equal("10.0.0.3", driver.Vip("service:y"));
    }

    [Fact]
    public void Decide_CursorNearTopOf240Slash4_WrapsWithoutHandingOutBroadcast()
    {
        var driver = new AllocatorDriver("240.0.0.0/4");
        driver.State = driver.State with
        {
            Books = driver.State.Books.SetItem(VipPools.Service, AddressBook.Empty with { Cursor = IpPool.ToInteger(IPAddress.Parse("255.255.255.253")) }),
        };

        driver.Add("service:a", "service:b", "service:c");

        Assert.Equal("255.255.255.254", driver.Vip("service:a"));
        Assert.Equal("240.0.0.1", driver.Vip("service:b"));
        Assert.Equal("240.0.0.2", driver.Vip("service:c"));
    }

    [Fact]
    public void Decide_TopSlash24FilledCompletely_NeverHandsOutNetworkOrBroadcast()
    {
        var driver = new AllocatorDriver("255.255.255.0/24");
        var keys = Enumerable.Range(0, 256).Select(i => $"service:s{i:D3}").ToArray();

        driver.Add(keys);

        var vips = driver.State.Assignments.Values.Select(a => a.Vip!.ToString()).ToList();
        Assert.Equal(254, vips.Count);
        Assert.Equal(254, vips.Distinct().Count());
        Assert.DoesNotContain("255.255.255.255", vips);
        Assert.DoesNotContain("255.255.255.0", vips);
        Assert.True(driver.State.LacksVip(K("service:s254")));
        Assert.True(driver.State.LacksVip(K("service:s255")));
    }

    [Fact]
    public void Decide_Slash30_HandsOutExactlyTwoHostAddresses()
    {
        var driver = new AllocatorDriver("10.0.0.0/30");

        driver.Add("service:a", "service:b", "service:c");

        Assert.Equal("10.0.0.1", driver.Vip("service:a"));
        Assert.Equal("10.0.0.2", driver.Vip("service:b"));
        Assert.True(driver.State.LacksVip(K("service:c")));
    }

    [Fact]
    public void Decide_Slash31_HandsOutBothAddresses()
    {
        var driver = new AllocatorDriver("10.0.0.0/31");

        driver.Add("service:a", "service:b", "service:c");

        Assert.Equal("10.0.0.0", driver.Vip("service:a"));
        Assert.Equal("10.0.0.1", driver.Vip("service:b"));
        Assert.True(driver.State.LacksVip(K("service:c")));
    }

    [Fact]
    public void Decide_Slash32SecondEntry_GetsNoVip()
    {
        // Kuma scenario 1.
        var driver = new AllocatorDriver("192.168.0.1/32");

        var first = driver.Add("service:a");
        var second = driver.Add("service:b");

        Assert.Single(first);
        Assert.Equal("192.168.0.1", driver.Vip("service:a"));
        Assert.Empty(second);
        Assert.True(driver.State.LacksVip(K("service:b")));
    }

    [Fact]
    public void Decide_ReleasedVipBeforeReuseDelay_NotGivenToAnotherEntry()
    {
        var driver = new AllocatorDriver("10.0.0.0/30");
        driver.Add("service:a", "service:b");
        driver.Remove("service:a");
        driver.Advance(Delay - TimeSpan.FromMilliseconds(1));

        var events = driver.Add("service:c");

        Assert.Empty(events);
        Assert.True(driver.State.LacksVip(K("service:c")));
    }

    [Fact]
    public void Decide_ReleasedVipAfterReuseDelay_ReusedByExhaustedEntry()
    {
        var driver = new AllocatorDriver("10.0.0.0/30");
        driver.Add("service:a", "service:b");
        driver.Remove("service:a");
        driver.Add("service:c");
        driver.Advance(Delay);

        var events = driver.Decide([K("service:c")]);

        Assert.Equal([new VipAllocated("service:c", "10.0.0.1", null, driver.Now)], events);
        Assert.False(driver.State.LacksVip(K("service:c")));
    }

    [Fact]
    public void Decide_ReaddedEntryWithinDelay_DoesNotGetItsOldVipBack()
    {
        var driver = new AllocatorDriver("10.0.0.0/24");
        driver.Add("service:a");
        driver.Remove("service:a");
        driver.Advance(TimeSpan.FromSeconds(1));

        driver.Add("service:a");

        Assert.Equal("10.0.0.2", driver.Vip("service:a"));
    }

    [Fact]
    public void Decide_ExhaustedSlash29_ExtraEntriesLackVipUntilSpaceFreesAndQuarantinePasses()
    {
        var driver = new AllocatorDriver("10.0.0.0/29");
        var keys = Enumerable.Range(1, 8).Select(i => $"service:s{i}").ToArray();

        var events = driver.Add(keys);

        Assert.Equal(6, events.Count);
        Assert.True(driver.State.LacksVip(K("service:s7")));
        Assert.True(driver.State.LacksVip(K("service:s8")));
        Assert.DoesNotContain(K("service:s7"), driver.State.Assignments.Keys);

        driver.Advance(TimeSpan.FromSeconds(10));
        driver.Remove("service:s2", "service:s5");
        Assert.Empty(driver.Reconcile());
        Assert.True(driver.State.LacksVip(K("service:s7")));

        driver.Advance(Delay - TimeSpan.FromSeconds(1));
        Assert.Empty(driver.Reconcile());

        driver.Advance(TimeSpan.FromSeconds(1));
        var late = driver.Reconcile();

        Assert.Equal(2, late.Count);
        Assert.Equal("10.0.0.2", driver.Vip("service:s7"));
        Assert.Equal("10.0.0.5", driver.Vip("service:s8"));
        Assert.False(driver.State.LacksVip(K("service:s7")));
        Assert.False(driver.State.LacksVip(K("service:s8")));
    }

    [Fact]
    public void Decide_ExhaustedEntry_GetsSinceOfItsFirstVip()
    {
        var driver = new AllocatorDriver("10.0.0.0/30", reuseDelay: TimeSpan.Zero);
        driver.Add("service:a", "service:b", "service:c");
        driver.Advance(TimeSpan.FromMinutes(5));
        driver.Remove("service:a");

        driver.Reconcile();

        Assert.Equal(driver.Now, driver.State.Assignments[K("service:c")].Since);
    }

    [Fact]
    public void WithSettings_NewPool_ReaddressesOnlyEntriesOutsideIt()
    {
        var driver = new AllocatorDriver("10.0.0.0/23");
        driver.State = driver.State with { Books = driver.State.Books.SetItem(VipPools.Service, AddressBook.Empty with { Cursor = IpPool.ToInteger(IPAddress.Parse("10.0.0.253")) }) };
        driver.Add("service:a", "service:b", "service:c", "service:d");
        Assert.Equal(["10.0.0.254", "10.0.0.255", "10.0.1.0", "10.0.1.1"], new[] { "a", "b", "c", "d" }.Select(k => driver.Vip($"service:{k}")));
        driver.Advance(TimeSpan.FromSeconds(1));

        driver.ChangeSettings(driver.State.Settings with { Pool = IpPool.Parse("10.0.1.0/24") });
        var events = driver.Reconcile();

        // a and b lie outside; c holds what is now the network address; d stays.
        Assert.Equal(6, events.Count);
        Assert.DoesNotContain(events, e => e is VipReleased { Key: "service:d" } or VipAllocated { Key: "service:d" });
        Assert.Equal("10.0.1.1", driver.Vip("service:d"));
        Assert.Equal("10.0.1.2", driver.Vip("service:a"));
        Assert.Equal("10.0.1.3", driver.Vip("service:b"));
        Assert.Equal("10.0.1.4", driver.Vip("service:c"));
    }

    [Fact]
    public void WithSettings_LargerPoolContainingEveryVip_NoEvents()
    {
        var driver = new AllocatorDriver("10.0.0.0/29");
        driver.Add("service:a", "service:b", "service:c");

        driver.ChangeSettings(driver.State.Settings with { Pool = IpPool.Parse("10.0.0.0/8") });

        Assert.Empty(driver.Reconcile());
    }

    [Fact]
    public void Decide_Ipv6PoolConfigured_EveryEntryGetsV4AndV6Vip()
    {
        var driver = new AllocatorDriver("240.0.0.0/4", "fd00:fd00::/64");

        var events = driver.Add("service:a", "service:b", "host:example.com");

        Assert.Equal(
            [
                new VipAllocated("host:example.com", "240.0.0.1", "fd00:fd00::1", driver.Now),
                new VipAllocated("service:a", "240.0.0.2", "fd00:fd00::2", driver.Now),
                new VipAllocated("service:b", "240.0.0.3", "fd00:fd00::3", driver.Now),
            ],
            events);
        Assert.All(driver.Wanted, key => Assert.False(driver.State.LacksVip(key)));
    }

    [Fact]
    public void Decide_Ipv6PoolAddedLater_AllocatesOnlyTheV6Vips()
    {
        var driver = new AllocatorDriver("240.0.0.0/4");
        driver.Add("service:a");
        Assert.False(driver.State.LacksVip(K("service:a")));

        driver.ChangeSettings(driver.State.Settings with { PoolV6 = IpPool.Parse("fd00:fd00::/64") });
        Assert.True(driver.State.LacksVip(K("service:a")));
        var events = driver.Reconcile();

        Assert.Equal([new VipAllocated("service:a", null, "fd00:fd00::1", driver.Now)], events);
        Assert.Equal("240.0.0.1", driver.Vip("service:a"));
        Assert.False(driver.State.LacksVip(K("service:a")));
    }

    [Fact]
    public void Decide_Ipv6PoolRemoved_ReleasesOnlyTheV6Vips()
    {
        var driver = new AllocatorDriver("240.0.0.0/4", "fd00:fd00::/64");
        driver.Add("service:a");

        driver.ChangeSettings(driver.State.Settings with { PoolV6 = null });
        var events = driver.Reconcile();

        Assert.Equal([new VipReleased("service:a", null, "fd00:fd00::1", driver.Now)], events);
        Assert.Equal("240.0.0.1", driver.Vip("service:a"));
        Assert.Null(driver.VipV6("service:a"));
    }

    [Fact]
    public void Decide_V4ExhaustedV6Free_AllocatesV6AndLacksVip()
    {
        var driver = new AllocatorDriver("10.0.0.0/32", "fd00::/64");
        driver.Add("service:a");

        var events = driver.Add("service:b");

        Assert.Equal([new VipAllocated("service:b", null, "fd00::2", driver.Now)], events);
        Assert.True(driver.State.LacksVip(K("service:b")));
    }

    [Fact]
    public void Decide_32767DistinctEntriesIn240Slash4_AllGetDistinctVips()
    {
        // Kuma scenario 3 (its cost is AllocatorBenchmark's, not a unit test's).
        var driver = new AllocatorDriver("240.0.0.0/4");
        var keys = Enumerable.Range(0, 32_767).Select(i => $"host:h{i}.example.com").ToArray();

        var events = driver.Add(keys);

        Assert.Equal(32_767, events.Count);
        Assert.Equal(32_767, driver.State.Assignments.Values.Select(a => a.Vip).Distinct().Count());
        Assert.All(keys, key => Assert.False(driver.State.LacksVip(K(key))));
    }

    [Fact]
    public void Apply_JournalReplayedFromEmpty_RebuildsSameAssignmentsAndBooks()
    {
        var driver = new AllocatorDriver("10.0.0.0/29", "fd00::/125");
        driver.Add("service:a", "service:b", "service:c");
        driver.Advance(TimeSpan.FromSeconds(30));
        driver.Remove("service:b");
        driver.Add("service:d", "service:e", "service:f", "service:g");

        var replayed = driver.Journal.Aggregate(AllocatorState.Empty(driver.State.Settings), (s, e) => s.Apply(e));

        Assert.Equal(driver.State.Assignments, replayed.Assignments);
        Assert.Equal(driver.State.V4.Used.OrderBy(p => p.Key), replayed.V4.Used.OrderBy(p => p.Key));
        Assert.Equal(driver.State.V4.Cursor, replayed.V4.Cursor);
        Assert.Equal(driver.State.V6.Cursor, replayed.V6.Cursor);
        Assert.Empty(replayed.Decide(driver.Wanted, driver.Wanted.Contains, driver.Now));
    }

    [Fact]
    public void Apply_ReleaseOfUnknownKey_ReturnsSameState()
    {
        var state = AllocatorState.Empty(AllocatorSettings.Default);

        var after = state.Apply(new VipReleased("service:none", "240.0.0.1", null, AllocatorDriver.T0));

        Assert.Same(state, after);
    }

    [Fact]
    public void Apply_NonAllocationEvent_ReturnsSameState()
    {
        var state = AllocatorState.Empty(AllocatorSettings.Default);

        Assert.Same(state, state.Apply(new ResourceDeleted("Dataplane", "dp-1")));
    }

    [Fact]
    public void LacksVip_UnknownKey_True()
    {
        Assert.True(AllocatorState.Empty(AllocatorSettings.Default).LacksVip(K("service:none")));
    }
}
