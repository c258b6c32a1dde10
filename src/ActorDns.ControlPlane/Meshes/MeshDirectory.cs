using System.Collections.Immutable;
using Akka.Actor;
using Akka.Cluster.Tools.PublishSubscribe;
using Akka.Persistence;
using ActorDns.ControlPlane.Events;
using static ActorDns.ControlPlane.Meshes.MeshDirectoryProtocol;

namespace ActorDns.ControlPlane.Meshes;

/// <summary>
/// The list of meshes, persisted. On start it wakes every mesh entity, so each recovers, reconciles and
/// can serve its resolvers without waiting for a request. It publishes the list after recovery and after every
/// change, so each node's <see cref="KnownMeshes"/> answers "does this mesh exist" without a round trip here.
/// </summary>
internal sealed class MeshDirectory : ReceivePersistentActor
{
    private static readonly TimeSpan ClearTimeout = TimeSpan.FromSeconds(20);

    private readonly IActorRef _meshRegion;
    private readonly IActorRef _mediator;
    private ImmutableSortedSet<string> _meshes = ImmutableSortedSet.Create(StringComparer.Ordinal, DefaultMesh);

    public MeshDirectory(IActorRef meshRegion, IActorRef mediator)
    {
        _meshRegion = meshRegion;
        _mediator = mediator;
        Recover<MeshCreated>(e => _meshes = _meshes.Add(e.Name));
        Recover<MeshDeleted>(e => _meshes = _meshes.Remove(e.Name));
        Recover<RecoveryCompleted>(_ =>
        {
            foreach (var mesh in _meshes)
            {
                _meshRegion.Tell(new MeshProtocol.Wake(mesh));
            }

            Announce();
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
            _meshRegion.Ask<MeshProtocol.ResourceRemoved>(new MeshProtocol.ClearMesh(c.Name), ClearTimeout)
                .PipeTo(Self, success: _ => new Cleared(c.Name, sender), failure: e => new ClearFailed(sender, e.Message));
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

    public static Props Props(IActorRef meshRegion, IActorRef mediator) => Akka.Actor.Props.Create(() => new MeshDirectory(meshRegion, mediator));

    private MeshList List() => new([.. _meshes], LastSequenceNr);

    private void Announce() => _mediator.Tell(new Publish(ListTopic, List()));

    private sealed record Cleared(string Name, IActorRef ReplyTo);

    private sealed record ClearFailed(IActorRef ReplyTo, string Reason);
}
