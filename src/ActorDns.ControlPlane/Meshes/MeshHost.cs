using Akka.Actor;
using Akka.Event;
using static ActorDns.ControlPlane.Meshes.MeshProtocol;

namespace ActorDns.ControlPlane.Meshes;

/// <summary>
/// The sharded entity of one mesh. Its child <see cref="MeshEntity"/> is the single writer; reads are answered here from
/// the last <see cref="MeshRead"/> the writer reported, so they go on while the journal is down. Akka stops a persistent
/// actor whose write or recovery fails: the writer is then started again after a backoff (0.2 s, doubling to 2 s)
/// until a recovery succeeds, and meanwhile a change fails at once instead of waiting for a timeout. While a writer
/// recovers, changes (and, before the first report, reads) wait here for it, and fail if it stops instead.
/// </summary>
internal sealed class MeshHost : ReceiveActor, IWithTimers, IWithUnboundedStash
{
    public static readonly TimeSpan FirstBackoff = TimeSpan.FromMilliseconds(200);

    public static readonly TimeSpan LastBackoff = TimeSpan.FromSeconds(2);

    private const string RestartTimer = "restart-writer";

    private readonly string _mesh;
    private readonly Props _writerProps;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private IActorRef? _writer;
    private MeshRead? _read;
    private TimeSpan _backoff = FirstBackoff;
    private SetHostnameGenerators? _generators;
    private bool _recovered;

    public MeshHost(string mesh, Props writerProps)
    {
        _mesh = mesh;
        _writerProps = writerProps;
        Receive<MeshRead>(read =>
        {
            if (Sender.Equals(_writer))
            {
                var first = _read is null;

                // Back to the first backoff only once a change was stored: a journal that reads but refuses writes
                // would otherwise have the writer recover five times a second.
                if (first || read.View.Version > _read!.View.Version)
                {
                    _backoff = FirstBackoff;
                }

                _read = read;
                if (!_recovered)
                {
                    // The writer has recovered: what waited for it — reads before the first report, changes — goes on.
                    _recovered = true;
                    Stash.UnstashAll();
                    if (_generators is not null)
                    {
                        _writer!.Tell(_generators);
                        _generators = null;
                    }
                }
            }
        });
        Receive<GetResource>(query => Read(read => read.Resource(query), whole: false));
        Receive<ListResources>(query => Read(read => read.Resources(query), whole: true));
        Receive<GetVips>(_ => Read(read => read.Vips(), whole: true));
        Receive<GetZone>(_ => Read(read => read.Zone(), whole: true));
        Receive<GetZoneVersion>(_ => Read(read => read.Version(), whole: false));
        Receive<Terminated>(t => t.ActorRef.Equals(_writer), _ => OnWriterStopped());

        // A change still in the writer's mailbox when a failed write stopped it, or forwarded just after, would go
        // unanswered: its client gets the failure the others got.
        Receive<DeadLetter>(letter =>
        {
            if (letter.Message is IWithMeshId && letter.Recipient.Path.Parent.Equals(Self.Path) && !letter.Sender.IsNobody())
            {
                letter.Sender.Tell(new Failed($"mesh {_mesh} cannot store changes now: its journal failed, and it is recovering"));
            }
        });
        Receive<RestartWriter>(_ => StartWriter());

        // The directory's generators are not a client's change: until the writer has recovered the latest set waits for it.
        Receive<SetHostnameGenerators>(set =>
        {
            if (_recovered)
            {
                _writer!.Forward(set);
            }
            else
            {
                _generators = set;
            }
        });
        Receive<Wake>(_ => { });
        ReceiveAny(command =>
        {
            if (_writer is null)
            {
                Sender.Tell(new Failed($"mesh {_mesh} cannot store changes now: its journal failed, and it is recovering"));
            }
            else if (!_recovered)
            {
                // Held here rather than in the writer's own recovery stash, which a failed recovery would drop unanswered.
                Stash.Stash();
            }
            else
            {
                _writer.Forward(command);
            }
        });
    }

    public ITimerScheduler Timers { get; set; } = null!;

    public IStash Stash { get; set; } = null!;

    public static Props Props(string mesh, Props writerProps) => Akka.Actor.Props.Create(() => new MeshHost(mesh, writerProps));

    protected override void PreStart()
    {
        Context.System.EventStream.Subscribe(Self, typeof(DeadLetter));
        StartWriter();
    }

    protected override void PostStop() => Context.System.EventStream.Unsubscribe(Self);

    /// <summary>
    /// Answers a read from the last report. An answer about the <paramref name="whole"/> mesh is built off this actor
    /// (the report is immutable; it builds its <c>/vips</c> and zone answers once, whatever the number of readers):
    /// listing a 100,000-service mesh takes a good part of a second, and the changes queued behind it here would wait
    /// as long.
    /// </summary>
    private void Read(Func<MeshRead, object> answer, bool whole)
    {
        if (_read is { } read)
        {
            if (!whole)
            {
                Sender.Tell(answer(read));
                return;
            }

            var (log, mesh) = (_log, _mesh);
            WholeMeshWork.Run(read.State.Allocator.Assignments.Count, () => answer(read)).PipeTo(Sender, failure: e =>
            {
                log.Error(e, "Mesh {0}: a read failed", mesh);
                return new Status.Failure(e);
            });
        }
        else if (_writer is not null)
        {
            Stash.Stash();
        }
        else
        {
            Sender.Tell(new Failed($"mesh {_mesh} has not been read from its journal yet"));
        }
    }

    private void StartWriter()
    {
        _writer = Context.Watch(Context.ActorOf(_writerProps, "writer"));
        _recovered = false;
    }

    private void OnWriterStopped()
    {
        _writer = null;
        _recovered = false;

        // What waited for the writer's recovery gets its answer now: a read from the last report, or an error.
        Stash.UnstashAll();
        _log.Warning("Mesh {0}: its writer stopped (a journal failure); starting it again in {1} ms", _mesh, _backoff.TotalMilliseconds);
        Timers.StartSingleTimer(RestartTimer, RestartWriter.Instance, _backoff);
        _backoff = _backoff * 2 < LastBackoff ? _backoff * 2 : LastBackoff;
    }

    private sealed class RestartWriter
    {
        public static readonly RestartWriter Instance = new();
    }
}
