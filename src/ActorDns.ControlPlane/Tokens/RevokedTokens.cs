using System.Collections.Frozen;
using static ActorDns.ControlPlane.Meshes.MeshDirectoryProtocol;

namespace ActorDns.ControlPlane.Tokens;

/// <summary>
/// This node's copy of the revoked API token ids, kept up to date by a <see cref="Meshes.DirectoryTopicSubscriber{TAnnouncement}"/> from the
/// mesh directory's announcements, so checking a token never waits for the directory. It never goes back to an
/// older version: a revocation is for good.
/// </summary>
public sealed class RevokedTokens
{
    private readonly Lock _lock = new();
    private volatile Known _latest = new(-1, FrozenSet<string>.Empty);

    /// <summary>False until the first list arrives: a node that just started asks the directory before it trusts a token.</summary>
    public bool IsKnown => _latest.Version >= 0;

    public bool Contains(string jti) => _latest.Jtis.Contains(jti);

    /// <summary>Takes <paramref name="list"/> unless a newer version is already known.</summary>
    public void Update(RevocationList list)
    {
        lock (_lock)
        {
            if (list.Version > _latest.Version)
            {
                _latest = new Known(list.Version, list.Jtis.ToFrozenSet(StringComparer.Ordinal));
            }
        }
    }

    private sealed record Known(long Version, FrozenSet<string> Jtis);
}
