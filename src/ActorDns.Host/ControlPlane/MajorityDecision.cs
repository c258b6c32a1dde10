using Akka.Actor;

namespace ActorDns.Host.ControlPlane;

/// <summary>
/// What one node downs once the cluster's unreachability has been stable long enough (decision 0033): keep-majority,
/// counted over the voting (control-plane) nodes this node reaches itself. A node on the side with more than half
/// of the voters, or exactly half including the lowest address, downs every member it cannot reach, if it votes;
/// a node on the other side downs itself. Counting only what this node reaches, not what the cluster's gossip says
/// some node cannot reach, keeps a cut between control-plane nodes from downing all of them when a resolver still
/// reaches both sides and carries their gossip.
/// </summary>
internal static class MajorityDecision
{
    /// <summary>A member as the decision sees it: whether it votes (has the role, up or leaving) and whether this node reaches it.</summary>
    public sealed record Node(Address Address, bool Voter, bool Reachable);

    /// <param name="self">This node's address.</param>
    /// <param name="selfVotes">Whether this node has the voting role; a node without it downs only itself.</param>
    /// <param name="others">Every other member that is not already down, exiting or removed.</param>
    public static IReadOnlyList<Address> Decide(Address self, bool selfVotes, IReadOnlyCollection<Node> others)
    {
        var unreachable = others.Where(n => !n.Reachable).Select(n => n.Address).ToList();
        if (unreachable.Count == 0)
        {
            return [];
        }

        var voters = others.Where(n => n.Voter).ToList();
        var reached = voters.Count(n => n.Reachable) + (selfVotes ? 1 : 0);
        var total = voters.Count + (selfVotes ? 1 : 0);
        var lowest = voters.Select(n => n.Address).Append(selfVotes ? self : null).OfType<Address>().Min();
        var lowestReached = lowest is not null && (lowest == self ? selfVotes : voters.Any(n => n.Address == lowest && n.Reachable));
        var majority = 2 * reached > total || (total > 0 && 2 * reached == total && lowestReached);
        if (!majority)
        {
            return [self];
        }

        return selfVotes ? unreachable : [];
    }
}
