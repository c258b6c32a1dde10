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
    /// <summary>
    /// A member as the decision sees it: whether it votes (has the role, up or leaving) and whether this node reaches
    /// it. A member is unreachable from here only when it has not answered this node lately and the cluster's failure
    /// detector suspects it too: a node merely slow to answer is not downed for it.
    /// </summary>
    public sealed record Node(Address Address, bool Voter, bool Reachable);

    /// <summary>Who to down (empty: nobody), and the count behind it: voters this node reaches, itself included, of all.</summary>
    public sealed record Outcome(IReadOnlyList<Address> Down, int Reached, int Voters);

    /// <param name="self">This node's address.</param>
    /// <param name="selfVotes">Whether this node votes (has the role, up or leaving); a node that does not downs only itself.</param>
    /// <param name="others">Every other member that is not already down, exiting or removed.</param>
    /// <param name="downedVoters">Voters already down but not yet removed: counted among the voters, never as reached.</param>
    public static Outcome Decide(Address self, bool selfVotes, IReadOnlyCollection<Node> others, int downedVoters)
    {
        var voters = others.Where(n => n.Voter).ToList();
        var reached = voters.Count(n => n.Reachable) + (selfVotes ? 1 : 0);
        var total = voters.Count + downedVoters + (selfVotes ? 1 : 0);
        var unreachable = others.Where(n => !n.Reachable).Select(n => n.Address).ToList();
        if (unreachable.Count == 0)
        {
            return new Outcome([], reached, total);
        }

        var lowest = voters.Select(n => n.Address).Append(selfVotes ? self : null).OfType<Address>().Min();
        var lowestReached = lowest is not null && (lowest == self ? selfVotes : voters.Any(n => n.Address == lowest && n.Reachable));
        var majority = 2 * reached > total || (total > 0 && 2 * reached == total && lowestReached);
        if (!majority)
        {
            return new Outcome([self], reached, total);
        }

        return new Outcome(selfVotes ? unreachable : [], reached, total);
    }
}
