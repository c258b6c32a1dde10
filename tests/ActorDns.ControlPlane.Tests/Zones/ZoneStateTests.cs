using System.Net;
using ActorDns.ControlPlane.Allocation;
using ActorDns.ControlPlane.Catalog;
using ActorDns.ControlPlane.Zones;
using ActorDns.Server.Query;
using Xunit;
using static ActorDns.ControlPlane.Tests.Support.Keys;

namespace ActorDns.ControlPlane.Tests.Zones;

/// <summary>SPEC §4.1: the records of a mesh, name collisions, invalid names, and the deltas sent to resolvers.</summary>
public sealed class ZoneStateTests
{
    private static readonly DateTimeOffset T0 = new(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>The names of an entry in the domain <c>mesh</c>, as a mesh derives them.</summary>
    private static IEnumerable<ZoneName> NamesOf(EntryKey key) => ZoneNames.Of(key, "mesh");

    private static VipAssignment Vip(string key, string vip, int since = 0, string? vipV6 = null) =>
        new(EntryKey.Parse(key), IPAddress.Parse(vip), vipV6 is null ? null : IPAddress.Parse(vipV6), T0 + TimeSpan.FromSeconds(since));

    private static (ZoneState State, List<ZoneRecord> Upserts, List<string> Removals) Set(ZoneState state, params VipAssignment[] assignments) =>
        state.Update(assignments.Select(a => a.Key), key => assignments.First(a => a.Key == key), k => ZoneNames.Of(k, state.Domain));

    private static (ZoneState State, List<ZoneRecord> Upserts, List<string> Removals) Drop(ZoneState state, params string[] keys) =>
        state.Update(keys.Select(EntryKey.Parse), _ => null, k => ZoneNames.Of(k, state.Domain));

    private static IEnumerable<string> Show(IEnumerable<ZoneRecord> records) =>
        records.Select(r => $"{r.Name} {string.Join(",", r.Addresses)}").Order(StringComparer.Ordinal);

    private static string Served(ZoneState state, string name) =>
        Assert.Single(Show([state.Records[ZoneNames.Key(name)]]));

    [Fact]
    public void Update_EntryWhoseNamesChanged_DropsTheOldNameAndServesTheNew()
    {
        var key = K("meshservice:redis");
        var vip = new VipAssignment(key, IPAddress.Parse("241.0.0.1"), null, T0);
        var (state, _, _) = new ZoneState("mesh").Update([key], _ => vip, _ => [new ZoneName("redis.svc.mesh.local", 0)]);

        var (after, upserts, removals) = state.Update([key], _ => vip, _ => [new ZoneName("cache.svc.mesh.local", 0)]);

        Assert.Equal(["cache.svc.mesh.local 241.0.0.1"], Show(upserts));
        Assert.Equal(["redis.svc.mesh.local"], removals);
        Assert.Equal(["cache.svc.mesh.local"], after.Records.Keys);
        Assert.False(after.Claims.ContainsKey("redis.svc.mesh.local"));
        Assert.Equal(["cache.svc.mesh.local"], after.Claimed[key].ToArray());
    }

    [Fact]
    public void Update_EntryLosingItsVip_ForgetsTheNamesItClaimed()
    {
        var key = K("meshservice:redis");
        var (state, _, _) = new ZoneState("mesh").Update([key], _ => new VipAssignment(key, IPAddress.Parse("241.0.0.1"), null, T0), _ => [new ZoneName("redis.svc.mesh.local", 0)]);

        var (after, _, removals) = state.Update([key], _ => null, _ => [new ZoneName("redis.svc.mesh.local", 0)]);

        Assert.Equal(["redis.svc.mesh.local"], removals);
        Assert.Empty(after.Claimed);
        Assert.Empty(after.Claims);
    }

    [Theory]
    [InlineData("service:a", "service:b")]
    [InlineData("service:b", "service:a")]
    public void Update_TwoClaimsOfTheSameRankAndAge_TheLowerKeyWins_InEitherOrder(string first, string second)
    {
        // Entries allocated in one batch have the same age; the key decides, whatever the order of the claims.
        VipAssignment[] assignments = [Vip(first, first == "service:a" ? "240.0.0.1" : "240.0.0.2"), Vip(second, second == "service:a" ? "240.0.0.1" : "240.0.0.2")];

        var (state, _, _) = new ZoneState("mesh").Update(
            assignments.Select(a => a.Key), key => assignments.First(a => a.Key == key), _ => [new ZoneName("shared.mesh", 0)]);

        Assert.Equal("shared.mesh 240.0.0.1", Served(state, "shared.mesh"));
        Assert.Equal(K("service:a"), state.Winner("shared.mesh"));
    }

    [Fact]
    public void Update_ServiceNameOfAnEntryThatLostItsHostname_IsNotServed_UntilTheHostnameIsItsAgain()
    {
        // A (older) and B share the hostname; only B has a named port. Its SRV would point at A's address.
        IEnumerable<ZoneName> Names(EntryKey key) => key == K("meshservice:b")
            ? [new ZoneName("h.mesh.local", 0), new ZoneName("_main._tcp.h.mesh.local", 0, 6379)]
            : [new ZoneName("h.mesh.local", 0)];
        VipAssignment[] both = [Vip("meshservice:a", "241.0.0.1", since: 0), Vip("meshservice:b", "241.0.0.2", since: 5)];

        var (state, _, _) = new ZoneState("mesh").Update(both.Select(a => a.Key), k => both.First(a => a.Key == k), Names);
        var built = ZoneState.Build("mesh", both.Select(a => a.Key), k => both.First(a => a.Key == k), Names);

        Assert.Equal(["h.mesh.local"], state.Records.Keys);
        Assert.Equal(["h.mesh.local"], built.Records.Keys);
        var (after, upserts, _) = state.Update([K("meshservice:a")], _ => null, Names);
        Assert.Equal(["_main._tcp.h.mesh.local 241.0.0.2", "h.mesh.local 241.0.0.2"], Show(upserts));
        Assert.Equal((ushort)6379, after.Records["_main._tcp.h.mesh.local"].SrvPort);
    }

    [Fact]
    public void Build_SameAssignments_GivesTheSameClaimsAndRecordsAsUpdate()
    {
        VipAssignment[] assignments =
        [
            Vip("service:a.b", "240.0.0.1", since: 5),
            Vip("service:a_b", "240.0.0.2", since: 1),
            Vip("host:x.example", "240.0.0.3", vipV6: "fd00::3"),
            Vip("service:" + new string('z', 64), "240.0.0.4"),
        ];
        var byKey = assignments.ToDictionary(a => a.Key);

        var built = ZoneState.Build("mesh", byKey.Keys.Append(K("service:gone")), k => byKey.GetValueOrDefault(k), NamesOf);
        var updated = Set(new ZoneState("mesh"), assignments).State;

        Assert.Equal(updated.Records.Keys, built.Records.Keys);
        Assert.All(updated.Records, p => Assert.Equal(Show([p.Value]), Show([built.Records[p.Key]])));
        Assert.Equal(updated.Claims.Keys.Order(), built.Claims.Keys.Order());
        Assert.Equal(updated.Claimed.OrderBy(p => p.Key).Select(p => (p.Key, string.Join(",", p.Value))), built.Claimed.OrderBy(p => p.Key).Select(p => (p.Key, string.Join(",", p.Value))));
    }

    [Fact]
    public void Update_ServiceWithUnderscores_UpsertsExactNameAndDottedAlias()
    {
        var (state, upserts, removals) = Set(new ZoneState("mesh"), Vip("service:echo-server_echo-example_svc_1010", "240.0.0.1"));

        Assert.Equal(["echo-server.echo-example.svc.1010.mesh 240.0.0.1", "echo-server_echo-example_svc_1010.mesh 240.0.0.1"], Show(upserts));
        Assert.Empty(removals);
        Assert.Equal(["echo-server.echo-example.svc.1010.mesh", "echo-server_echo-example_svc_1010.mesh"], state.Records.Keys);
    }

    [Fact]
    public void Update_V4AndV6Vips_RecordCarriesBoth()
    {
        var (_, upserts, _) = Set(new ZoneState("mesh"), Vip("service:backend", "240.0.0.1", vipV6: "fd00:fd00::1"));

        Assert.Equal(["backend.mesh 240.0.0.1,fd00:fd00::1"], Show(upserts));
    }

    [Theory]
    [InlineData(true, true)]
    [InlineData(true, false)]
    [InlineData(false, true)]
    [InlineData(false, false)]
    public void Update_ExactNameAndDottedAliasCollide_ExactNameWinsRegardlessOfOrder(bool exactFirst, bool exactOlder)
    {
        // service "a.b" → exact a.b.mesh; service "a_b" → a_b.mesh and alias a.b.mesh.
        var exact = Vip("service:a.b", "240.0.0.1", since: exactOlder ? 0 : 10);
        var alias = Vip("service:a_b", "240.0.0.2", since: exactOlder ? 10 : 0);
        var state = new ZoneState("mesh");

        state = exactFirst ? Set(Set(state, exact).State, alias).State : Set(Set(state, alias).State, exact).State;

        Assert.Equal("a.b.mesh 240.0.0.1", Served(state, "a.b.mesh"));
        Assert.Equal("a_b.mesh 240.0.0.2", Served(state, "a_b.mesh"));
        Assert.Equal(K("service:a.b"), state.Winner("a.b.mesh"));
    }

    [Fact]
    public void Update_ExactNameAndAliasInOneUpdate_ExactNameUpserted()
    {
        var (state, upserts, _) = Set(new ZoneState("mesh"), Vip("service:a_b", "240.0.0.2"), Vip("service:a.b", "240.0.0.1", since: 5));

        Assert.Equal(["a.b.mesh 240.0.0.1", "a_b.mesh 240.0.0.2"], Show(upserts));
        Assert.Equal(K("service:a.b"), state.Winner("A.B.mesh"));
    }

    [Fact]
    public void Update_AliasArrivesAfterExactName_NoDeltaForTheContestedName()
    {
        var state = Set(new ZoneState("mesh"), Vip("service:a.b", "240.0.0.1", since: 10)).State;

        var (_, upserts, removals) = Set(state, Vip("service:a_b", "240.0.0.2"));

        Assert.Equal(["a_b.mesh 240.0.0.2"], Show(upserts));
        Assert.Empty(removals);
    }

    [Fact]
    public void Update_ExactNameOwnerRemoved_AliasTakesOverTheName()
    {
        var state = Set(new ZoneState("mesh"), Vip("service:a.b", "240.0.0.1"), Vip("service:a_b", "240.0.0.2")).State;

        var (after, upserts, removals) = Drop(state, "service:a.b");

        Assert.Equal(["a.b.mesh 240.0.0.2"], Show(upserts));
        Assert.Empty(removals);
        Assert.Equal(K("service:a_b"), after.Winner("a.b.mesh"));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Update_TwoHostEntriesSameName_OlderWinsRegardlessOfOrder(bool olderFirst)
    {
        // Names match case-insensitively (RFC 4343), so these two entries claim the same name.
        var older = Vip("host:Example.com", "240.0.0.1", since: 0);
        var newer = Vip("host:example.com", "240.0.0.2", since: 30);
        var state = new ZoneState("mesh");

        state = olderFirst ? Set(Set(state, older).State, newer).State : Set(Set(state, newer).State, older).State;

        Assert.Equal("Example.com 240.0.0.1", Served(state, "example.com"));
        Assert.Equal(K("host:Example.com"), state.Winner("EXAMPLE.COM"));
        Assert.Single(state.Claims["example.com"], c => c.Key == K("host:example.com"));
    }

    [Theory]
    [InlineData(0, 10, "service:foo")]
    [InlineData(10, 0, "host:foo.mesh")]
    public void Update_ServiceExactNameAndHostSameName_OlderWins(int serviceSince, int hostSince, string winner)
    {
        var state = Set(new ZoneState("mesh"), Vip("service:foo", "240.0.0.1", serviceSince), Vip("host:foo.mesh", "240.0.0.2", hostSince)).State;

        Assert.Equal(K(winner), state.Winner("foo.mesh"));
    }

    [Fact]
    public void Update_SameAgeSameRank_OrdinalKeyDecides()
    {
        var state = Set(new ZoneState("mesh"), Vip("host:foo.mesh", "240.0.0.2"), Vip("service:foo", "240.0.0.1")).State;

        Assert.Equal(K("host:foo.mesh"), state.Winner("foo.mesh"));
    }

    [Fact]
    public void Update_LosingClaimRemoved_NoDeltas()
    {
        var state = Set(new ZoneState("mesh"), Vip("host:Example.com", "240.0.0.1", 0), Vip("host:example.com", "240.0.0.2", 30)).State;

        var (_, upserts, removals) = Drop(state, "host:example.com");

        Assert.Empty(upserts);
        Assert.Empty(removals);
    }

    [Fact]
    public void Update_WinningClaimRemoved_NextClaimUpserted()
    {
        var state = Set(new ZoneState("mesh"), Vip("host:Example.com", "240.0.0.1", 0), Vip("host:example.com", "240.0.0.2", 30)).State;

        var (_, upserts, removals) = Drop(state, "host:Example.com");

        Assert.Equal(["example.com 240.0.0.2"], Show(upserts));
        Assert.Empty(removals);
    }

    [Fact]
    public void Update_LastClaimRemoved_RemovesEveryName()
    {
        var state = Set(new ZoneState("mesh"), Vip("service:web_app", "240.0.0.1"), Vip("service:db", "240.0.0.2")).State;

        var (after, upserts, removals) = Drop(state, "service:web_app");

        Assert.Empty(upserts);
        Assert.Equal(["web.app.mesh", "web_app.mesh"], removals.Order(StringComparer.Ordinal));
        Assert.Equal(["db.mesh"], after.Records.Keys);
        Assert.False(after.Claims.ContainsKey("web_app.mesh"));
        Assert.Null(after.Winner("web_app.mesh"));
    }

    [Fact]
    public void Update_MixedCaseHostRemoved_RemovalNamesServedCase()
    {
        var state = Set(new ZoneState("mesh"), Vip("host:Api.Example.com", "240.0.0.1")).State;

        var (_, _, removals) = Drop(state, "host:Api.Example.com");

        Assert.Equal(["Api.Example.com"], removals);
    }

    [Fact]
    public void Update_VipChanged_UpsertsRecord()
    {
        var state = Set(new ZoneState("mesh"), Vip("service:backend", "240.0.0.1")).State;

        var (after, upserts, removals) = Set(state, Vip("service:backend", "240.0.0.9"));

        Assert.Equal(["backend.mesh 240.0.0.9"], Show(upserts));
        Assert.Empty(removals);
        Assert.Equal("backend.mesh 240.0.0.9", Served(after, "backend.mesh"));
    }

    [Fact]
    public void Update_V6VipAdded_UpsertsRecord()
    {
        var state = Set(new ZoneState("mesh"), Vip("service:backend", "240.0.0.1")).State;

        var (_, upserts, _) = Set(state, Vip("service:backend", "240.0.0.1", vipV6: "fd00::1"));

        Assert.Equal(["backend.mesh 240.0.0.1,fd00::1"], Show(upserts));
    }

    [Fact]
    public void Update_SameAssignmentAgain_NoDeltas()
    {
        var state = Set(new ZoneState("mesh"), Vip("service:a_b", "240.0.0.1")).State;

        var (_, upserts, removals) = Set(state, Vip("service:a_b", "240.0.0.1"));

        Assert.Empty(upserts);
        Assert.Empty(removals);
    }

    [Fact]
    public void Update_KeyWithoutAssignmentNeverSeen_NoDeltas()
    {
        var (state, upserts, removals) = Drop(new ZoneState("mesh"), "service:ghost");

        Assert.Empty(upserts);
        Assert.Empty(removals);
        Assert.Empty(state.Records);
    }

    [Fact]
    public void Update_AssignmentWithoutAddresses_TreatedAsNoClaim()
    {
        var state = Set(new ZoneState("mesh"), Vip("service:backend", "240.0.0.1")).State;

        var (after, _, removals) = state.Update([K("service:backend")], key => new VipAssignment(key, null, null, T0), NamesOf);

        Assert.Equal(["backend.mesh"], removals);
        Assert.Empty(after.Records);
    }

    [Fact]
    public void Update_64OctetLabel_NoRecord()
    {
        var service = new string('a', 64);

        var (state, upserts, removals) = Set(new ZoneState("mesh"), Vip($"service:{service}", "240.0.0.1"), Vip($"host:{service}.example.com", "240.0.0.2"));

        Assert.NotNull(ZoneNames.Problem($"{service}.mesh"));
        Assert.Empty(upserts);
        Assert.Empty(removals);
        Assert.Empty(state.Records);
        Assert.Empty(state.Claims);
    }

    [Fact]
    public void Update_ExactNameInvalidAliasValid_OnlyAliasServed()
    {
        // The exact name has a 64-octet label; the dotted alias splits it into valid labels.
        var service = new string('a', 32) + "_" + new string('b', 31);

        var (state, upserts, _) = Set(new ZoneState("mesh"), Vip($"service:{service}", "240.0.0.1"));

        Assert.Equal([$"{new string('a', 32)}.{new string('b', 31)}.mesh 240.0.0.1"], Show(upserts));
        Assert.Single(state.Records);
    }

    [Fact]
    public void Update_OtherDomain_NamesUnderIt()
    {
        var (_, upserts, _) = Set(new ZoneState("consul"), Vip("service:web", "240.0.0.1"));

        Assert.Equal(["web.consul 240.0.0.1"], Show(upserts));
    }
}
