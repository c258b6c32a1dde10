using System.Collections.Immutable;
using Akka.Actor;
using Akka.Persistence;
using ActorDns.ControlPlane.Events;
using static ActorDns.ControlPlane.Meshes.MeshDirectoryProtocol;

namespace ActorDns.ControlPlane.Meshes;

/// <summary>
/// The list of meshes, persisted. On start it wakes every mesh entity, so each recovers, reconciles and
/// can serve its resolvers without waiting for a request.
/// </summary>
internal sealed class MeshDirectory : ReceivePersistentActor
{
    private static readonly TimeSpan ClearTimeout = TimeSpan.FromSeconds(20);

    private readonly IActorRef _meshRegion;
    private ImmutableSortedSet<string> _meshes = ImmutableSortedSet.Create(StringComparer.Ordinal, DefaultMesh);

    public MeshDirectory(IActorRef meshRegion)
    {
        _meshRegion = meshRegion;
        Recover<MeshCreated>(e => _meshes = _meshes.Add(e.Name));
        Recover<MeshDeleted>(e => _meshes = _meshes.Remove(e.Name));
        Recover<RecoveryCompleted>(_ =>
        {
            foreach (var mesh in _meshes)
            {
                _meshRegion.Tell(new MeshProtocol.Wake(mesh));
            }
        });

        Command<ListMeshes>(_ => Sender.Tell(new MeshList([.. _meshes])));
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
            c.ReplyTo.Tell(new MeshRemoved(true));
        }));
        Command<ClearFailed>(f => f.ReplyTo.Tell(new MeshProtocol.Failed($"could not delete the mesh's resources: {f.Reason}")));
    }

    public override string PersistenceId => PersistenceIds.Directory;

    public static Props Props(IActorRef meshRegion) => Akka.Actor.Props.Create(() => new MeshDirectory(meshRegion));

    private sealed record Cleared(string Name, IActorRef ReplyTo);

    private sealed record ClearFailed(IActorRef ReplyTo, string Reason);
}
