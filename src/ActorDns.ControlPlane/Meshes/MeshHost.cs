using Akka.Actor;
using Akka.Event;
using static ActorDns.ControlPlane.Meshes.MeshProtocol;

namespace ActorDns.ControlPlane.Meshes;

/// <summary>
/// The sharded entity of one mesh. Its child <see cref="MeshEntity"/> is the single writer; reads are answered here from
/// the last <see cref="MeshRead"/> the writer reported, so they go on while the journal is down. Akka stops a persistent
/// actor whose write or recovery fails: the writer is then started again after a backoff (0.2 s, doubling to 2 s)
/// until a recovery succeeds, and meanwhile a change fails at once instead of waiting for a timeout. Before the first
/// report, reads wait for it as they would for a recovery.
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

    public MeshHost(string mesh, Props writerProps)
    {
        _mesh = mesh;
        _writerProps = writerProps;
        Receive<MeshRead>(read =>
        {
            if (Sender.Equals(_writer))
            {
                var first = _read is null;
                _read = read;
                _backoff = FirstBackoff;
                if (first)
                {
                    Stash.UnstashAll();
                }
            }
        });
        Receive<GetResource>(query => Read(read => read.Resource(query)));
        Receive<ListResources>(query => Read(read => read.Resources(query)));
        Receive<GetVips>(_ => Read(read => read.Vips()));
        Receive<GetZone>(_ => Read(read => read.Zone()));
        Receive<GetZoneVersion>(_ => Read(read => read.Version()));
        Receive<Terminated>(t => t.ActorRef.Equals(_writer), _ => OnWriterStopped());
        Receive<RestartWriter>(_ => StartWriter());
        ReceiveAny(command =>
        {
            if (_writer is null)
            {
                Sender.Tell(new Failed($"mesh {_mesh} cannot store changes now: its journal failed, and it is recovering"));
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

    protected override void PreStart() => StartWriter();

    private void Read(Func<MeshRead, object> answer)
    {
        if (_read is not null)
        {
            Sender.Tell(answer(_read));
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
    }

    private void OnWriterStopped()
    {
        _writer = null;

        // Reads that waited for a first report get their answer now: an error when there is still nothing to read.
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
