using System.Net;
using Akka.Actor;
using Akka.Cluster.Tools.PublishSubscribe;
using Akka.TestKit;
using ActorDns.ControlPlane.Meshes;
using ActorDns.ControlPlane.Resolution;
using ActorDns.Protocol;
using ActorDns.Server.Query;
using Xunit;
using static ActorDns.ControlPlane.Meshes.MeshProtocol;

namespace ActorDns.ControlPlane.Tests.Resolution;

/// <summary>Deltas that arrive duplicated, reordered or not at all still converge to the control plane's table.</summary>
public sealed class ResolverActorSpec : Akka.TestKit.Xunit2.TestKit
{
    private static readonly ZoneSettings Zone = new();
    private readonly ZoneSlot _slot = new(ZoneTable.Empty(Zone));
    private readonly TestProbe _region;
    private readonly TestProbe _mediator;
    private readonly ControlPlaneMetrics _metrics = new(Prometheus.Metrics.WithCustomRegistry(Prometheus.Metrics.NewCustomRegistry()));

    /// <summary>The resolver's clock; every test delta was "persisted" 3 s before it, so propagation must read 3 s.</summary>
    private static readonly DateTimeOffset ResolverNow = new(2026, 11, 26, 9, 30, 0, TimeSpan.Zero);

    private static readonly TimeSpan PersistedAgo = TimeSpan.FromSeconds(3);

    public ResolverActorSpec()
        : base("akka.loglevel = WARNING")
    {
        _region = CreateTestProbe();
        _mediator = CreateTestProbe();
    }

    private static ZoneRecord Record(string name, string ip) => new(name, [IPAddress.Parse(ip)]);

    private static ZoneChanged Delta(long from, long to, ZoneRecord[] upserts, string[]? removals = null) =>
        new("default", new ZoneDelta(from, to, upserts, removals ?? []), ResolverNow - PersistedAgo);

    private IActorRef Start(TimeSpan? versionCheck = null, string? cacheDirectory = null, TimeSpan? cacheWriteDelay = null)
    {
        var settings = new ResolverSettings
        {
            VersionCheckInterval = versionCheck ?? TimeSpan.FromMinutes(10),
            AskTimeout = TimeSpan.FromSeconds(3),
            CacheDirectory = cacheDirectory,
            CacheWriteDelay = cacheWriteDelay ?? TimeSpan.FromMilliseconds(50),
            Clock = new FixedClock(ResolverNow),
        };
        var resolver = Sys.ActorOf(ResolverProtocol.Props(new Dictionary<string, ZoneSlot> { ["default"] = _slot }, Zone, _region.Ref, _mediator.Ref, settings, _metrics));
        Assert.Equal(Topic("default"), _mediator.ExpectMsg<Subscribe>().Topic);
        _region.ExpectMsg<GetZone>();
        _region.Reply(new ZoneSnapshot("default", 0, 60, []));
        return resolver;
    }

    private string? Address(string name) =>
        _slot.Current.TryFind(DnsName.Parse(name), out var entry) ? entry.Addresses(false).Single().ToString() : null;

    [Fact]
    public void AppliedTables_DeltasAndSnapshots_ShowInTheMetrics()
    {
        var resolver = Start();

        resolver.Tell(Delta(0, 1, [Record("a.mesh", "240.0.0.1")]));
        resolver.Tell(Delta(1, 2, [Record("b.mesh", "240.0.0.2")]));
        resolver.Tell(new ZoneSnapshot("default", 5, 60, [Record("a.mesh", "240.0.0.1"), Record("b.mesh", "240.0.0.2"), Record("c.mesh", "240.0.0.3")]));

        AwaitAssert(() =>
        {
            Assert.Equal(5, _metrics.TableVersion.WithLabels("default").Value);
            Assert.Equal(3, _metrics.TableEntries.WithLabels("default").Value);
            Assert.Equal(1, _metrics.ZoneFetches.WithLabels("default").Value);
        });
        var propagation = _metrics.Propagation.WithLabels("default");
        Assert.Equal(2, propagation.Count);
        Assert.Equal(2 * PersistedAgo.TotalSeconds, propagation.Sum, precision: 9);
    }

    [Fact]
    public void DeltasInOrder_AreApplied()
    {
        var resolver = Start();

        resolver.Tell(Delta(0, 1, [Record("a.mesh", "240.0.0.1")]));
        resolver.Tell(Delta(1, 2, [Record("b.mesh", "240.0.0.2")], ["a.mesh"]));

        AwaitCondition(() => _slot.Current.Version == 2);
        Assert.Null(Address("a.mesh"));
        Assert.Equal("240.0.0.2", Address("b.mesh"));
    }

    [Fact]
    public void DuplicateAndOldDeltas_AreIgnoredAndTheTableNeverGoesBack()
    {
        var resolver = Start();
        resolver.Tell(Delta(0, 1, [Record("a.mesh", "240.0.0.1")]));
        resolver.Tell(Delta(1, 2, [Record("a.mesh", "240.0.0.9")]));

        resolver.Tell(Delta(0, 1, [Record("a.mesh", "240.0.0.1")]));
        resolver.Tell(Delta(1, 2, [Record("a.mesh", "240.0.0.9")]));

        AwaitCondition(() => _slot.Current.Version == 2);
        _region.ExpectNoMsg(TimeSpan.FromMilliseconds(200));
        Assert.Equal("240.0.0.9", Address("a.mesh"));
    }

    [Fact]
    public void Gap_FetchesTheWholeZone()
    {
        var resolver = Start();
        resolver.Tell(Delta(0, 1, [Record("a.mesh", "240.0.0.1")]));

        // 1→2 is lost; 2→3 arrives first: the resolver asks for the whole zone.
        resolver.Tell(Delta(2, 3, [Record("c.mesh", "240.0.0.3")]));
        _region.ExpectMsg<GetZone>();
        _region.Reply(new ZoneSnapshot("default", 3, 60, [Record("a.mesh", "240.0.0.1"), Record("b.mesh", "240.0.0.2"), Record("c.mesh", "240.0.0.3")]));

        AwaitCondition(() => _slot.Current.Version == 3);
        Assert.Equal("240.0.0.2", Address("b.mesh"));
        Assert.Equal(3, _slot.Current.Count);
    }

    [Fact]
    public void LostLastDelta_IsRepairedByTheVersionCheck()
    {
        Start(versionCheck: TimeSpan.FromMilliseconds(100));

        // No delta arrives at all; the periodic check sees version 5 and fetches it.
        _region.ExpectMsg<GetZoneVersion>();
        _region.Reply(new ZoneVersion("default", 5));
        _region.FishForMessage<GetZone>(_ => true);
        _region.Reply(new ZoneSnapshot("default", 5, 60, [Record("a.mesh", "240.0.0.1")]));

        AwaitCondition(() => _slot.Current.Version == 5);
        Assert.Equal("240.0.0.1", Address("a.mesh"));
    }

    [Fact]
    public void Change_CacheCannotBeWritten_ServedAllTheSameAndTheMetricsSaySo()
    {
        // A file where the cache directory should be: every write fails, as on a full or read-only disk.
        var blocked = Path.GetTempFileName();
        try
        {
            var resolver = Start(cacheDirectory: Path.Combine(blocked, "cache"));

            resolver.Tell(Delta(0, 1, [Record("a.mesh", "240.0.0.1")]));

            AwaitAssert(() =>
            {
                Assert.Equal(1, _metrics.CacheWriteFailures.WithLabels("default").Value);
                Assert.Equal(0, _metrics.CacheCurrent.WithLabels("default").Value);
            });
            Assert.Equal("240.0.0.1", Address("a.mesh"));
        }
        finally
        {
            File.Delete(blocked);
        }
    }

    [Fact]
    public void Change_IsWrittenToTheDiskCache()
    {
        var directory = Directory.CreateTempSubdirectory("actordns-resolver-").FullName;
        try
        {
            var resolver = Start(cacheDirectory: directory);

            resolver.Tell(Delta(0, 1, [Record("a.mesh", "240.0.0.1")]));
            resolver.Tell(Delta(1, 2, [Record("b.mesh", "240.0.0.2")]));

            var path = ZoneCacheFile.PathFor(directory, "default");
            AwaitCondition(() => ZoneCacheFile.TryRead(path, Zone, out var cached) && cached.Version == 2);
            ZoneCacheFile.TryRead(path, Zone, out var table);
            Assert.Equal(2, table.Count);
            AwaitAssert(() => Assert.Equal(1, _metrics.CacheCurrent.WithLabels("default").Value));
            Assert.Equal(0, _metrics.CacheWriteFailures.WithLabels("default").Value);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public void Stop_ChangeNotYetWritten_IsWrittenToTheDiskCache()
    {
        var directory = Directory.CreateTempSubdirectory("actordns-resolver-").FullName;
        try
        {
            var resolver = Start(cacheDirectory: directory, cacheWriteDelay: TimeSpan.FromHours(1));
            resolver.Tell(Delta(0, 1, [Record("a.mesh", "240.0.0.1")]));
            AwaitCondition(() => _slot.Current.Version == 1);
            var path = ZoneCacheFile.PathFor(directory, "default");
            Assert.False(File.Exists(path));

            Watch(resolver);
            Sys.Stop(resolver);
            ExpectTerminated(resolver);

            Assert.True(ZoneCacheFile.TryRead(path, Zone, out var table));
            Assert.Equal(1, table.Version);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
