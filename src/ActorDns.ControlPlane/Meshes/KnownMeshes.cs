using System.Collections.Frozen;
using static ActorDns.ControlPlane.Meshes.MeshDirectoryProtocol;

namespace ActorDns.ControlPlane.Meshes;

/// <summary>
/// This node's copy of the mesh directory's list, so the API can check that a mesh exists without asking the
/// directory singleton (often on another node) on every request. The copy comes from the directory's
/// announcements (a <see cref="DirectoryTopicSubscriber{TAnnouncement}"/>) and from the answers the API asked for; it never goes
/// back to an older version. It is trusted for <see cref="MaxAge"/> only: pub-sub delivers at most once and a
/// new subscription takes a gossip round to spread, so an announcement can be missed, and an expired copy
/// makes the next check ask the directory again. A mesh the copy does not know may have just been created:
/// callers ask the directory then too.
/// </summary>
public sealed class KnownMeshes(TimeProvider clock)
{
    /// <summary>How long a list is trusted: the longest another node may accept a PUT into a mesh just deleted.</summary>
    public static readonly TimeSpan MaxAge = TimeSpan.FromSeconds(2);

    private readonly Lock _lock = new();
    private volatile Known _latest = new(-1, FrozenSet<string>.Empty, DateTimeOffset.MinValue);

    public bool Contains(string mesh)
    {
        var latest = _latest;
        return clock.GetUtcNow() - latest.ReceivedAt < MaxAge && latest.Names.Contains(mesh);
    }

    /// <summary>Takes <paramref name="list"/> unless a newer version is already known; the same version renews it.</summary>
    public void Update(MeshList list)
    {
        lock (_lock)
        {
            if (list.Version >= _latest.Version)
            {
                _latest = new Known(list.Version, list.Names.ToFrozenSet(StringComparer.Ordinal), clock.GetUtcNow());
            }
        }
    }

    /// <summary>Drops <paramref name="mesh"/> from the copy (this node deleted it and could not learn the new list).</summary>
    public void Forget(string mesh)
    {
        lock (_lock)
        {
            _latest = _latest with { Names = _latest.Names.Where(n => n != mesh).ToFrozenSet(StringComparer.Ordinal) };
        }
    }

    private sealed record Known(long Version, FrozenSet<string> Names, DateTimeOffset ReceivedAt);
}
