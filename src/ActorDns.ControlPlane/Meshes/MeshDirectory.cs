using System.Collections.Immutable;
using Akka.Actor;
using Akka.Cluster.Tools.PublishSubscribe;
using Akka.Persistence;
using ActorDns.ControlPlane.Catalog.Kinds.HostnameGenerator;
using ActorDns.ControlPlane.Events;
using static ActorDns.ControlPlane.Meshes.MeshDirectoryProtocol;

namespace ActorDns.ControlPlane.Meshes;

/// <summary>
/// The list of meshes and the HostnameGenerators (global resources), persisted. On start it wakes every mesh entity,
/// so each recovers, reconciles and can serve its resolvers without waiting for a request. It publishes the list
/// after recovery and after every change, so each node's <see cref="KnownMeshes"/> answers "does this mesh exist"
/// without a round trip here. It creates the default generators that are absent, and sends the generators to every
/// mesh at start and after each change, versioned by its own sequence number. It also keeps the revoked API token
/// ids (SPEC §8) and publishes them to every node after each revocation and every few seconds.
/// </summary>
internal sealed class MeshDirectory : ReceivePersistentActor, IWithTimers
{
    private static readonly TimeSpan ClearTimeout = TimeSpan.FromSeconds(20);

    private readonly IActorRef _meshRegion;
    private readonly IActorRef _mediator;
    private readonly IReadOnlyList<string> _defaultGenerators;
    private readonly TimeProvider _clock;
    private ImmutableSortedSet<string> _meshes = ImmutableSortedSet.Create(StringComparer.Ordinal, DefaultMesh);
    private ImmutableSortedDictionary<string, string> _generators = ImmutableSortedDictionary.Create<string, string>(StringComparer.Ordinal);
    private ImmutableSortedSet<string> _revoked = ImmutableSortedSet.Create<string>(StringComparer.Ordinal);

    public MeshDirectory(IActorRef meshRegion, IActorRef mediator, IReadOnlyList<string> defaultGenerators, TimeProvider clock)
    {
        _meshRegion = meshRegion;
        _mediator = mediator;
        _defaultGenerators = defaultGenerators;
        _clock = clock;
        Recover<MeshCreated>(e => _meshes = _meshes.Add(e.Name));
        Recover<MeshDeleted>(e => _meshes = _meshes.Remove(e.Name));
        Recover<HostnameGeneratorUpserted>(e => _generators = _generators.SetItem(e.Name, e.Json));
        Recover<HostnameGeneratorDeleted>(e => _generators = _generators.Remove(e.Name));
        Recover<TokenRevoked>(e => _revoked = _revoked.Add(e.Jti));
        Recover<RecoveryCompleted>(_ =>
        {
            AnnounceRevocations();
            Timers.StartPeriodicTimer(nameof(AnnounceRevocations), AnnounceRevocationsTick.Instance, RevocationsRepeat);
            foreach (var mesh in _meshes)
            {
                _meshRegion.Tell(new MeshProtocol.Wake(mesh));
            }

            Announce();

            // As Kuma: a default generator is created at start when absent (by name), so deleting one lasts until the next start.
            var missing = _defaultGenerators
                .Select(json => (Name: HostnameGeneratorDocument.FromStored(json)!.Name, Json: json))
                .Where(d => !_generators.ContainsKey(d.Name))
                .Select(d => new HostnameGeneratorUpserted(d.Name, d.Json))
                .ToList();
            if (missing.Count == 0)
            {
                SendGenerators(_meshes);
                return;
            }

            PersistAll(missing, e =>
            {
                _generators = _generators.SetItem(e.Name, e.Json);
                if (e == missing[^1])
                {
                    SendGenerators(_meshes);
                }
            });
        });

        Command<ListHostnameGenerators>(_ => Sender.Tell(new HostnameGeneratorList([.. _generators.Values])));
        Command<UpsertHostnameGenerator>(c =>
        {
            var sender = Sender;
            var created = !_generators.ContainsKey(c.Name);
            Persist(new HostnameGeneratorUpserted(c.Name, HostnameGeneratorDocument.Stamp(c.Json, _generators.GetValueOrDefault(c.Name), _clock.GetUtcNow())), e =>
            {
                _generators = _generators.SetItem(e.Name, e.Json);
                SendGenerators(_meshes);
                sender.Tell(new HostnameGeneratorStored(created));
            });
        });
        Command<DeleteHostnameGenerator>(c =>
        {
            if (!_generators.ContainsKey(c.Name))
            {
                Sender.Tell(new HostnameGeneratorRemoved(false));
                return;
            }

            var sender = Sender;
            Persist(new HostnameGeneratorDeleted(c.Name), e =>
            {
                _generators = _generators.Remove(e.Name);
                SendGenerators(_meshes);
                sender.Tell(new HostnameGeneratorRemoved(true));
            });
        });

        Command<ListRevocations>(_ => Sender.Tell(Revocations()));
        Command<AnnounceRevocationsTick>(_ => AnnounceRevocations());
        Command<RevokeToken>(c =>
        {
            if (_revoked.Contains(c.Jti))
            {
                Sender.Tell(new TokenRevocationStored(false));
                return;
            }

            var sender = Sender;
            Persist(new TokenRevoked(c.Jti), e =>
            {
                _revoked = _revoked.Add(e.Jti);
                AnnounceRevocations();
                sender.Tell(new TokenRevocationStored(true));
            });
        });

        Command<ListMeshes>(_ => Sender.Tell(List()));
        Command<CreateMesh>(c =>
        {
            if (_meshes.Contains(c.Name))
            {
                Sender.Tell(new MeshStored(false));
                return;
            }

            var sender = Sender;
            Persist(new MeshCreated(c.Name), e =>
            {
                _meshes = _meshes.Add(e.Name);
                _meshRegion.Tell(new MeshProtocol.Wake(e.Name));
                SendGenerators([e.Name]);
                Announce();
                sender.Tell(new MeshStored(true));
            });
        });
        Command<DeleteMesh>(c =>
        {
            if (!_meshes.Contains(c.Name) || c.Name == DefaultMesh)
            {
                Sender.Tell(c.Name == DefaultMesh ? new MeshProtocol.Failed("the default mesh cannot be deleted") : new MeshRemoved(false));
                return;
            }

            // Resources first, so a mesh created again later starts empty; then the directory entry.
            var sender = Sender;
            _meshRegion.Ask(new MeshProtocol.ClearMesh(c.Name), ClearTimeout)
                .PipeTo(Self, success: reply => reply switch
                {
                    MeshProtocol.ResourceRemoved => new Cleared(c.Name, sender),
                    MeshProtocol.Failed failed => new ClearFailed(sender, failed.Reason),
                    _ => new ClearFailed(sender, $"unexpected {reply?.GetType().Name ?? "nothing"}"),
                }, failure: e => new ClearFailed(sender, e.Message));
        });
        Command<Cleared>(c => Persist(new MeshDeleted(c.Name), e =>
        {
            _meshes = _meshes.Remove(e.Name);
            Announce();
            c.ReplyTo.Tell(new MeshRemoved(true));
        }));
        Command<ClearFailed>(f => f.ReplyTo.Tell(new MeshProtocol.Failed($"could not delete the mesh's resources: {f.Reason}")));
    }

    public override string PersistenceId => PersistenceIds.Directory;

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(IActorRef meshRegion, IActorRef mediator, IReadOnlyList<string> defaultGenerators, TimeProvider clock) =>
        Akka.Actor.Props.Create(() => new MeshDirectory(meshRegion, mediator, defaultGenerators, clock));

    /// <summary>The generators as of this directory's last stored event, to every mesh named.</summary>
    private void SendGenerators(IEnumerable<string> meshes)
    {
        var set = new HostnameGeneratorsSet(LastSequenceNr, [.. _generators.Values]);
        foreach (var mesh in meshes)
        {
            _meshRegion.Tell(new MeshProtocol.SetHostnameGenerators(mesh, set));
        }
    }

    private MeshList List() => new([.. _meshes], LastSequenceNr);

    private void Announce() => _mediator.Tell(new Publish(ListTopic, List()));

    private RevocationList Revocations() => new([.. _revoked], LastSequenceNr);

    private void AnnounceRevocations() => _mediator.Tell(new Publish(RevocationsTopic, Revocations()));

    private sealed record AnnounceRevocationsTick
    {
        public static readonly AnnounceRevocationsTick Instance = new();
    }

    private sealed record Cleared(string Name, IActorRef ReplyTo);

    private sealed record ClearFailed(IActorRef ReplyTo, string Reason);
}
