using Akka.Actor;
using Akka.Pattern;

namespace ActorDns.ControlPlane.Meshes;

/// <summary>The messages of the mesh directory: the persistent list of meshes (a cluster singleton).</summary>
public static class MeshDirectoryProtocol
{
    /// <summary>The mesh that exists from the start and cannot be deleted.</summary>
    public const string DefaultMesh = "default";

    public sealed record CreateMesh(string Name);

    public sealed record MeshStored(bool Created);

    /// <summary>Deletes the mesh and every resource in it. Replies <see cref="MeshRemoved"/> or <see cref="MeshProtocol.Failed"/>.</summary>
    public sealed record DeleteMesh(string Name);

    public sealed record MeshRemoved(bool Existed);

    public sealed record ListMeshes
    {
        public static readonly ListMeshes Instance = new();
    }

    /// <summary>The meshes, as of the directory's <paramref name="Version"/> (its journal sequence number).</summary>
    public sealed record MeshList(IReadOnlyList<string> Names, long Version);

    /// <summary>Create or replace a HostnameGenerator (global). Replies <see cref="HostnameGeneratorStored"/> once persisted.</summary>
    public sealed record UpsertHostnameGenerator(string Name, string Json);

    public sealed record HostnameGeneratorStored(bool Created);

    /// <summary>Delete a HostnameGenerator. Replies <see cref="HostnameGeneratorRemoved"/> once persisted.</summary>
    public sealed record DeleteHostnameGenerator(string Name);

    public sealed record HostnameGeneratorRemoved(bool Existed);

    public sealed record ListHostnameGenerators
    {
        public static readonly ListHostnameGenerators Instance = new();
    }

    /// <summary>Every HostnameGenerator, as stored, by name.</summary>
    public sealed record HostnameGeneratorList(IReadOnlyList<string> Documents);

    /// <summary>Revoke an API user token by its <c>jti</c>, for good. Replies <see cref="TokenRevocationStored"/> once persisted.</summary>
    public sealed record RevokeToken(string Jti);

    public sealed record TokenRevocationStored(bool Created);

    public sealed record ListRevocations
    {
        public static readonly ListRevocations Instance = new();
    }

    /// <summary>Every revoked token id, as of the directory's <paramref name="Version"/> (its journal sequence number).</summary>
    public sealed record RevocationList(IReadOnlyList<string> Jtis, long Version);

    /// <summary>
    /// The topic the directory publishes its <see cref="RevocationList"/> on after every revocation and every
    /// <see cref="RevocationsRepeat"/>, so a node that missed one message (pub-sub delivers at most once) catches up.
    /// </summary>
    public const string RevocationsTopic = "token-revocations";

    public static readonly TimeSpan RevocationsRepeat = TimeSpan.FromSeconds(5);

    /// <summary>The topic the directory publishes its <see cref="MeshList"/> on after every change (see <see cref="KnownMeshes"/>).</summary>
    public const string ListTopic = "mesh-directory";

    /// <summary>A node's copy of the mesh list (<see cref="ListTopic"/>), kept by a subscriber.</summary>
    public static Props MeshListSubscriber(KnownMeshes known, IActorRef mediator) =>
        DirectoryTopicSubscriber<MeshList>.Props(ListTopic, known.Update, mediator);

    /// <summary>The name of each node's <see cref="RevocationsSubscriber"/>, under <c>/user</c>, which also takes a list told directly.</summary>
    public const string RevocationsSubscriberName = "revoked-tokens";

    /// <summary>A node's copy of the revoked tokens (<see cref="RevocationsTopic"/>), kept by a subscriber.</summary>
    public static Props RevocationsSubscriber(Tokens.RevokedTokens revoked, IActorRef mediator) =>
        DirectoryTopicSubscriber<RevocationList>.Props(RevocationsTopic, revoked.Update, mediator);

    /// <summary>Opens the journal and snapshot store at start, so that the first mesh taken over does not (<see cref="JournalWarmup"/>).</summary>
    public static Props JournalWarmup() => Meshes.JournalWarmup.Props();

    /// <summary>The first and the longest wait before a stopped directory is started again.</summary>
    public static readonly (TimeSpan First, TimeSpan Last) RestartBackoff = (TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(5));

    /// <summary>
    /// The directory; <paramref name="defaultGenerators"/> are the HostnameGenerator documents it creates at start when
    /// absent (empty with <c>defaults.skipHostnameGenerators</c>). It runs under a supervisor that starts it again after
    /// a backoff whenever it stops: Akka stops a persistent actor whose recovery or write fails (a database restart),
    /// and a cluster singleton that stopped is never started again, which left every node that started later without
    /// a mesh list (the nemesis found it). Messages that arrive while it is stopped are lost; their senders time out.
    /// </summary>
    public static Props Props(IActorRef meshRegion, IActorRef mediator, IReadOnlyList<string> defaultGenerators, TimeProvider clock) =>
        BackoffSupervisor.Props(
            MeshDirectory.Props(meshRegion, mediator, defaultGenerators, clock),
            "directory",
            RestartBackoff.First,
            RestartBackoff.Last,
            randomFactor: 0.2);
}
