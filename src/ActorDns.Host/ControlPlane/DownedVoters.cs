using Akka.Cluster;

namespace ActorDns.Host.ControlPlane;

/// <summary>
/// Which members that are down but not yet removed keep their vote for <see cref="MajorityDowning"/> (decision 0033): only
/// those this node saw voting, up or leaving with the voting role, before they were downed. A member downed while still
/// joining, or one of another role, never voted and counts for neither side. Apart from the actor so that tests can feed it
/// members.
/// </summary>
internal sealed class DownedVoters
{
    /// <summary>A member as the cluster's state shows it now; <paramref name="HasRole"/> is the voting role.</summary>
    public readonly record struct Seen(UniqueAddress Member, MemberStatus Status, bool HasRole);

    /// <summary>Members seen voting, forgotten once removed: a node restarted at the same address is a new member.</summary>
    private readonly HashSet<UniqueAddress> _voters = [];

    public static bool Votes(MemberStatus status, bool hasRole) => hasRole && status is MemberStatus.Up or MemberStatus.Leaving;

    /// <summary>Takes in who votes now and counts the members other than <paramref name="self"/> downed after voting.</summary>
    public int Count(UniqueAddress self, IReadOnlyList<Seen> members)
    {
        _voters.IntersectWith(members.Select(m => m.Member));
        _voters.UnionWith(members.Where(m => Votes(m.Status, m.HasRole)).Select(m => m.Member));
        return members.Count(m => m.Member != self && m.Status == MemberStatus.Down && _voters.Contains(m.Member));
    }
}
