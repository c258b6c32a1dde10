using System.Diagnostics;
using Akka.Actor;
using Akka.Cluster.Tools.PublishSubscribe;
using Akka.Event;
using Akka.Persistence;
using ActorDns.ControlPlane.Allocation;
using ActorDns.ControlPlane.Catalog;
using ActorDns.ControlPlane.Events;
using ActorDns.ControlPlane.Zones;
using ActorDns.Server.Query;
using static ActorDns.ControlPlane.Meshes.MeshProtocol;

namespace ActorDns.ControlPlane.Meshes;

/// <summary>
/// The single writer of one mesh, a child of its <see cref="MeshHost"/>, and only wiring: a command is decided by
/// <see cref="MeshState"/> against the state including changes still being written (<c>_projected</c>), persisted as
/// events in one atomic write, and
/// acknowledged once stored; meanwhile the next commands are decided, so their writes queue up and the journal stores
/// them together (<see cref="GroupCommit"/>). Only stored events reach <c>_state</c>, which the reads (a
/// <see cref="MeshRead"/> reported to the host), the DNS view and snapshots use. Once per group commit <see cref="ZoneProjection"/>
/// updates the view for the touched entries, its delta is published on the mesh's topic, and then the group's
/// clients are acknowledged. A failed write stops the entity; its host starts it again, and it recovers from the journal.
/// </summary>
internal sealed class MeshEntity : ReceivePersistentActor, IWithTimers
{
    private const string ReconcileTimer = "reconcile";

    private readonly string _mesh;
    private readonly MeshSettings _settings;
    private readonly TimeProvider _clock;
    private readonly ControlPlaneMetrics _metrics;
    private readonly IActorRef _mediator;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly GroupCommit _commit = new();
    private MeshState _state;
    private MeshState _projected;
    private ZoneProjection _view;

    /// <summary>
    /// The sequence number of the last event in <c>_state</c>. Not <c>LastSequenceNr</c>: Akka advances that for a
    /// rejected write too, and between the events of one change, and a zone version must only ever name a stored event
    /// that ends a change.
    /// </summary>
    private long _stateSequenceNr;
    private int _sinceSnapshot;

    /// <summary>A reconcile's walk is running off this actor; the next timer tick does not start another.</summary>
    private bool _reconciling;
    private readonly long _startedAt = Stopwatch.GetTimestamp();

    public MeshEntity(string mesh, MeshSettings settings, TimeProvider clock, ControlPlaneMetrics metrics, IActorRef mediator)
    {
        _mesh = mesh;
        _settings = settings;
        _clock = clock;
        _metrics = metrics;
        _mediator = mediator;
        _state = MeshState.Empty(mesh, settings);
        _projected = _state;
        _view = new ZoneProjection(new ZoneState(settings.Domain), 0, new HashSet<EntryKey>());

        Recover<SnapshotOffer>(offer =>
        {
            if (offer.Snapshot is MeshSnapshot snapshot)
            {
                _state = snapshot.ToState(mesh, settings);
            }
        });
        Recover<IMeshEvent>(e => _state = _state.Apply(e));
        Recover<RecoveryCompleted>(_ => OnRecovered());

        Command<UpsertResource>(c =>
        {
            var created = !_projected.Catalog.Of(c.Resource.Kind).ContainsKey(c.Resource.Name);
            Change(_projected.DecideUpsert(c.Resource, _view.Pending, _clock.GetUtcNow()), new ResourceStored(created));
        });
        Command<DeleteResource>(c =>
        {
            var events = _projected.DecideDelete(c.Kind, c.Name, _view.Pending, _clock.GetUtcNow());
            Change(events, new ResourceRemoved(events.Count > 0));
        });
        Command<SetHostnameGenerators>(c =>
        {
            if (c.Set.Version > (_projected.GeneratorsSet?.Version ?? 0))
            {
                Change([c.Set], reply: null);
            }
        });
        Command<ClearMesh>(_ => Change(_projected.DecideClear(_clock.GetUtcNow()), new ResourceRemoved(true)));
        Command<Reconcile>(_ => StartReconcile());
        Command<ReconcileKeys>(r =>
        {
            _reconciling = false;
            Change(_projected.DecideReconcile(r.Keys, _clock.GetUtcNow()), reply: null);
        });
        Command<ReconcileFailed>(f =>
        {
            _reconciling = false;
            _log.Error(f.Cause, "Mesh {0}: the reconcile failed; the next one runs in {1}", _mesh, _settings.ReconcileInterval);
        });
        Command<Flush>(_ => OnFlush());
        Command<SaveSnapshotSuccess>(s => DeleteSnapshots(new SnapshotSelectionCriteria(s.Metadata.SequenceNr - 1)));
        Command<SaveSnapshotFailure>(f => _log.Warning(f.Cause, "Snapshot of mesh {0} failed; recovery replays more events", _mesh));
        Command<DeleteSnapshotsSuccess>(_ => { });
        Command<DeleteSnapshotsFailure>(f => _log.Warning(f.Cause, "Deleting old snapshots of mesh {0} failed", _mesh));
    }

    public override string PersistenceId => PersistenceIds.Mesh(_mesh);

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(string mesh, MeshSettings settings, TimeProvider clock, ControlPlaneMetrics metrics, IActorRef mediator) =>
        Akka.Actor.Props.Create(() => new MeshEntity(mesh, settings, clock, metrics, mediator));

    private void OnRecovered()
    {
        // The state was built under today's settings; if they changed since the events were written (a new
        // CIDR, a shorter delay), the reconcile below re-addresses what no longer fits.
        _projected = _state;
        _view = ZoneProjection.Recover(_state, LastSequenceNr);
        _stateSequenceNr = LastSequenceNr;
        UpdateGauges();
        Context.Parent.Tell(new MeshRead(_state, _view));
        Timers.StartPeriodicTimer(ReconcileTimer, Reconcile.Instance, _settings.ReconcileInterval);
        Self.Tell(Reconcile.Instance);
        _log.Info("Mesh {0} recovered {1} VIPs, {2} names at sequence {3} in {4:F0} ms",
            _mesh, _state.Allocator.Assignments.Count, _view.Zone.Records.Count, LastSequenceNr, Stopwatch.GetElapsedTime(_startedAt).TotalMilliseconds);
    }

    /// <summary>
    /// Walks every entry for the ones a reconcile must decide off this actor, on the state of now (it is immutable):
    /// on a mesh of 100,000 services the walk took about a third of a second, and every change queued behind it here
    /// waited as long, every 10 s. The few decisions are then made here, on the state of then.
    /// </summary>
    private void StartReconcile()
    {
        if (_reconciling)
        {
            return;
        }

        _reconciling = true;
        var state = _projected;
        WholeMeshWork.Run(state.Allocator.Assignments.Count, state.KeysToReconcile).PipeTo(Self, success: keys => new ReconcileKeys(keys), failure: e => new ReconcileFailed(e));
    }

    private void Change(IReadOnlyList<IMeshEvent> events, object? reply)
    {
        if (events.Count == 0)
        {
            // Nothing to write, but earlier changes may still be; the answer must not overtake them.
            if (reply is not null)
            {
                var asker = Sender;
                var at = Stopwatch.GetTimestamp();
                DeferAsync(reply, r => Acknowledge(asker, r, at));
            }

            return;
        }

        var sender = reply is null ? null : Sender;
        var started = Stopwatch.GetTimestamp();
        _projected = _commit.Write(events, _projected, sender);
        PersistAllAsync(events, e =>
        {
            if (_commit.Confirm() is { } stored)
            {
                _state = stored;
                _stateSequenceNr = LastSequenceNr;
            }

            _sinceSnapshot++;
            switch (e)
            {
                case VipAllocated:
                    _metrics.Allocations.WithLabels(_mesh).Inc();
                    break;
                case VipReleased:
                    _metrics.Releases.WithLabels(_mesh).Inc();
                    break;
            }
        });
        DeferAsync(reply ?? Reconcile.Instance, r =>
        {
            _commit.Written();
            Acknowledge(sender, r, started);
        });
    }

    /// <summary>Queues the acknowledgement of a stored change (or of a command that changed nothing) for the next flush.</summary>
    private void Acknowledge(IActorRef? client, object reply, long started)
    {
        if (_commit.Answer(client, reply, started))
        {
            // The journal confirms a whole group commit at once, so its confirmations are mostly in the mailbox ahead
            // of this message and one zone update and one delta cover the whole group.
            Self.Tell(Flush.Instance);
        }
    }

    private void OnFlush()
    {
        PublishStored();

        // A snapshot costs as much as the mesh is large; taken every max(SnapshotEvery, size) events, its cost per
        // event stays constant as the mesh grows, and recovery replays at most that many events.
        // Akka labels a snapshot with LastSequenceNr, so none is taken while a change is stored only in part.
        if (_sinceSnapshot >= Math.Max(_settings.SnapshotEvery, _state.SnapshotSize) && _stateSequenceNr == LastSequenceNr)
        {
            _sinceSnapshot = 0;
            SaveSnapshot(MeshSnapshot.From(_state));
        }
    }

    /// <summary>
    /// Publishes the DNS change of every write stored since the last flush as one delta, then acknowledges their
    /// clients, in order, and only now, so that an acknowledged change is on its way to the resolvers.
    /// </summary>
    private void PublishStored()
    {
        var (touched, answers) = _commit.Flush();
        CommitZone(touched);
        foreach (var (client, reply, started) in answers)
        {
            _metrics.CommandDuration.Observe(Stopwatch.GetElapsedTime(started).TotalSeconds);
            client?.Tell(reply);
        }
    }

    /// <summary>Updates the DNS view for the touched entries; publishes the delta when a record changed.</summary>
    private void CommitZone(List<EntryKey> touched)
    {
        var (view, delta, newlyExhausted) = _view.Commit(touched, _state, _stateSequenceNr);
        _view = view;
        if (newlyExhausted > 0)
        {
            _metrics.Exhaustion.WithLabels(_mesh).Inc(newlyExhausted);
            _log.Warning("Mesh {0}: {1} entries have no VIP, the pool is exhausted", _mesh, view.Pending.Count);
        }

        if (delta is not null)
        {
            _mediator.Tell(new Publish(Topic(_mesh), new ZoneChanged(_mesh, delta, _clock.GetUtcNow())));
        }

        // Before any client of this commit is acknowledged, so a client reads its own change.
        Context.Parent.Tell(new MeshRead(_state, _view));
        UpdateGauges();
    }

    private void UpdateGauges()
    {
        var allocator = _state.Allocator;
        foreach (var (name, pool) in allocator.Settings.Pools)
        {
            var book = allocator.Book(name);
            var family = VipPools.FamilyOf(name) == System.Net.Sockets.AddressFamily.InterNetworkV6 ? "ipv6" : "ipv4";
            _metrics.VipsUsed.WithLabels(_mesh, name, family).Set(book.Used.Count);
            _metrics.VipsFree.WithLabels(_mesh, name, family).Set(Free(pool, book));
        }

        _metrics.ZoneVersion.WithLabels(_mesh).Set(_view.Version);
        _metrics.ZoneRecords.WithLabels(_mesh).Set(_view.Zone.Records.Count);
    }

    /// <summary>Addresses neither used nor quarantined; after a CIDR shrinks, old addresses may outnumber the pool.</summary>
    private static double Free(IpPool pool, AddressBook book)
    {
        var taken = (UInt128)(book.Used.Count + book.Quarantined.Count);
        return taken >= pool.Size ? 0 : (double)(pool.Size - taken);
    }

    /// <summary>The entity stops (Akka's rule for a failed write); every change not yet acknowledged fails, none was applied.</summary>
    protected override void OnPersistFailure(Exception cause, object @event, long sequenceNr)
    {
        FailWaiting($"the journal could not store the change: {cause.Message}");
        base.OnPersistFailure(cause, @event, sequenceNr);
    }

    /// <summary>
    /// Akka keeps an entity running after a rejected write, but later decisions were made on a state that
    /// assumed it; stopping makes the next command recover the stored state from the journal.
    /// </summary>
    protected override void OnPersistRejected(Exception cause, object @event, long sequenceNr)
    {
        FailWaiting($"the journal rejected the change: {cause.Message}");
        base.OnPersistRejected(cause, @event, sequenceNr);
        Context.Stop(Self);
    }

    /// <summary>Changes already stored still succeed; those still being written fail.</summary>
    private void FailWaiting(string reason)
    {
        PublishStored();
        _metrics.JournalFailures.WithLabels(_mesh).Inc();
        foreach (var client in _commit.Abandon())
        {
            client?.Tell(new Failed(reason));
        }
    }

    private sealed class Reconcile
    {
        public static readonly Reconcile Instance = new();
    }

    private sealed class Flush
    {
        public static readonly Flush Instance = new();
    }

    private sealed record ReconcileKeys(List<EntryKey> Keys);

    private sealed record ReconcileFailed(Exception Cause);
}
