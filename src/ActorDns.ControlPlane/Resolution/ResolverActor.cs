using Akka.Actor;
using Akka.Cluster.Tools.PublishSubscribe;
using Akka.Event;
using ActorDns.ControlPlane.Meshes;
using ActorDns.Server.Query;
using static ActorDns.ControlPlane.Meshes.MeshProtocol;

namespace ActorDns.ControlPlane.Resolution;

/// <summary>
/// Applies each mesh's deltas in version order and swaps the table the receive loops read. A delta that
/// does not start at the current version is a gap: the whole zone is fetched instead. Older or duplicate
/// deltas and snapshots are ignored, so the table never goes backwards. A periodic version check repairs a
/// lost delta without waiting for the next change.
/// </summary>
internal sealed class ResolverActor : ReceiveActor, IWithTimers
{
    private const string CheckTimer = "version-check";
    private const string CacheTimer = "cache-write";

    private readonly IReadOnlyDictionary<string, ZoneSlot> _meshes;
    private readonly ZoneSettings _zone;
    private readonly IActorRef _meshRegion;
    private readonly IActorRef _mediator;
    private readonly ResolverSettings _settings;
    private readonly ControlPlaneMetrics _metrics;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly HashSet<string> _unsaved = new(StringComparer.Ordinal);
    private Task<CacheWritten> _writing = Task.FromResult(new CacheWritten([], []));

    public ResolverActor(IReadOnlyDictionary<string, ZoneSlot> meshes, ZoneSettings zone, IActorRef meshRegion, IActorRef mediator, ResolverSettings settings, ControlPlaneMetrics metrics)
    {
        _meshes = meshes;
        _zone = zone;
        _meshRegion = meshRegion;
        _mediator = mediator;
        _settings = settings;
        _metrics = metrics;

        Receive<SubscribeAck>(_ => { });
        Receive<ZoneChanged>(OnDelta);
        Receive<ZoneSnapshot>(OnSnapshot);
        Receive<ZoneVersion>(v =>
        {
            if (_meshes.TryGetValue(v.Mesh, out var slot) && slot.Current.Version != v.Version)
            {
                RequestZone(v.Mesh);
            }
        });
        Receive<CheckVersions>(_ =>
        {
            foreach (var mesh in _meshes.Keys)
            {
                _meshRegion.Ask<ZoneVersion>(new GetZoneVersion(mesh), _settings.AskTimeout).PipeTo(Self);
            }
        });
        Receive<WriteCache>(_ => StartCacheWrite());
        Receive<CacheWritten>(written =>
        {
            // A failed mesh is written again at its next change, not retried in a loop against a broken disk.
            foreach (var mesh in written.Written)
            {
                _metrics.CacheCurrent.WithLabels(mesh).Set(1);
            }

            foreach (var (mesh, error) in written.Failures)
            {
                _log.Warning("Could not write the zone cache of mesh {0}: {1}", mesh, error);
                _metrics.CacheWriteFailures.WithLabels(mesh).Inc();
                _metrics.CacheCurrent.WithLabels(mesh).Set(0);
            }

            ScheduleCacheWrite();
        });
        Receive<Status.Failure>(f => _log.Debug("Control plane did not answer ({0}); retrying at the next check", f.Cause.Message));
    }

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(IReadOnlyDictionary<string, ZoneSlot> meshes, ZoneSettings zone, IActorRef meshRegion, IActorRef mediator, ResolverSettings settings, ControlPlaneMetrics metrics) =>
        Akka.Actor.Props.Create(() => new ResolverActor(meshes, zone, meshRegion, mediator, settings, metrics));

    protected override void PreStart()
    {
        foreach (var (mesh, slot) in _meshes)
        {
            ShowTable(mesh, slot.Current);
            _mediator.Tell(new Subscribe(Topic(mesh), Self));
            RequestZone(mesh);
        }

        Timers.StartPeriodicTimer(CheckTimer, CheckVersions.Instance, _settings.VersionCheckInterval);
    }

    /// <summary>A change not yet written to the cache when the actor stops (its membership ended, the process stops) is written now.</summary>
    protected override void PostStop()
    {
        // The write in progress (if any) finishes first, so an older table never replaces a newer one on disk;
        // one still running after 30 s is given up on, and the newer table is written by this thread regardless.
        Task.WaitAny([_writing], TimeSpan.FromSeconds(30));
        foreach (var (mesh, error) in WriteCaches(Unsaved()).Failures)
        {
            _log.Warning("Could not write the zone cache of mesh {0}: {1}", mesh, error);
        }
    }

    private void OnDelta(ZoneChanged changed)
    {
        if (!_meshes.TryGetValue(changed.Mesh, out var slot))
        {
            return;
        }

        var table = slot.Current;
        var delta = changed.Delta;
        if (delta.ToVersion <= table.Version)
        {
            return;
        }

        if (delta.FromVersion != table.Version)
        {
            _log.Info("Mesh {0}: delta {1}→{2} does not follow version {3}; fetching the whole zone", changed.Mesh, delta.FromVersion, delta.ToVersion, table.Version);
            RequestZone(changed.Mesh);
            return;
        }

        Publish(changed.Mesh, slot, table.Apply(delta));
        if (changed.PersistedAt is { } persistedAt)
        {
            _metrics.Propagation.WithLabels(changed.Mesh).Observe(Math.Max(0, (_settings.Clock.GetUtcNow() - persistedAt).TotalSeconds));
        }
    }

    private void Publish(string mesh, ZoneSlot slot, ZoneTable table)
    {
        slot.Publish(table);
        ShowTable(mesh, table);
        if (_settings.CacheDirectory is not null)
        {
            _unsaved.Add(mesh);
            ScheduleCacheWrite();
        }
    }

    /// <summary>
    /// Writing a cache costs in proportion to the table, so under continuous change it is written at most every
    /// <see cref="ResolverSettings.CacheWriteDelay"/> plus <see cref="ResolverSettings.CacheWriteDelayPerName"/> per
    /// name: a bounded share of a core whatever the size. Only one write runs at a time.
    /// </summary>
    private void ScheduleCacheWrite()
    {
        if (_unsaved.Count > 0 && _writing.IsCompleted && !Timers.IsTimerActive(CacheTimer))
        {
            var names = _unsaved.Sum(mesh => (long)_meshes[mesh].Current.Count);
            Timers.StartSingleTimer(CacheTimer, WriteCache.Instance, _settings.CacheWriteDelay + (_settings.CacheWriteDelayPerName * names));
        }
    }

    private void ShowTable(string mesh, ZoneTable table)
    {
        _metrics.TableVersion.WithLabels(mesh).Set(table.Version);
        _metrics.TableEntries.WithLabels(mesh).Set(table.Count);
    }

    /// <summary>
    /// Writes the tables changed since the last write off the actor's thread (tables are immutable), so a large
    /// mesh's write does not hold up its deltas.
    /// </summary>
    private void StartCacheWrite()
    {
        var tables = Unsaved();
        _writing = WholeMeshWork.Run(tables.Sum(t => t.Table.Count), () => WriteCaches(tables));
        _writing.PipeTo(Self, failure: e => new CacheWritten([], [.. tables.Select(t => (t.Mesh, e.Message))]));
    }

    private List<(string Mesh, ZoneTable Table)> Unsaved()
    {
        var tables = _unsaved.Select(mesh => (mesh, _meshes[mesh].Current)).ToList();
        _unsaved.Clear();
        return tables;
    }

    private CacheWritten WriteCaches(List<(string Mesh, ZoneTable Table)> tables)
    {
        var written = new List<string>();
        var failures = new List<(string, string)>();
        foreach (var (mesh, table) in tables)
        {
            try
            {
                ZoneCacheFile.Write(ZoneCacheFile.PathFor(_settings.CacheDirectory!, mesh), table);
                written.Add(mesh);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                failures.Add((mesh, e.Message));
            }
        }

        return new CacheWritten(written, failures);
    }

    private void OnSnapshot(ZoneSnapshot snapshot)
    {
        if (_meshes.TryGetValue(snapshot.Mesh, out var slot) && snapshot.Version > slot.Current.Version)
        {
            Publish(snapshot.Mesh, slot, ZoneTable.Create(_zone, snapshot.Version, snapshot.Records));
            _metrics.ZoneFetches.WithLabels(snapshot.Mesh).Inc();
            BuildMemory.ReleaseAfterBuild(snapshot.Records.Count);
        }
    }

    private void RequestZone(string mesh) =>
        _meshRegion.Ask<ZoneSnapshot>(new GetZone(mesh), _settings.AskTimeout).PipeTo(Self);

    private sealed class WriteCache
    {
        public static readonly WriteCache Instance = new();
    }

    private sealed record CacheWritten(List<string> Written, List<(string Mesh, string Error)> Failures);

    private sealed class CheckVersions
    {
        public static readonly CheckVersions Instance = new();
    }
}
