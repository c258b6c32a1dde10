using System.Diagnostics;
using Akka.Actor;

namespace ActorDns.Host.ControlPlane;

/// <summary>
/// The state behind <see cref="MajorityDowning"/>'s ticks, apart from the actor so that tests can drive its clock: when
/// each member last answered this node's probe, whether the unreachability has been stable for <c>stable-after</c>,
/// and then what <see cref="MajorityDecision"/> says. Timestamps are <see cref="Stopwatch.GetTimestamp"/> values. Ticks
/// must come well within <c>unreachable-after</c> of each other (<see cref="MajorityDowning"/> checks the settings): a
/// later one is taken for a pause, and starts every member's grace and the stable window again.
/// </summary>
internal sealed class DowningWatch(TimeSpan unreachableAfter, TimeSpan stableAfter)
{
    /// <summary>
    /// Another member that is not down, exiting or removed: its incarnation (what its answers carry), whether it votes,
    /// and whether the cluster's failure detector suspects it.
    /// </summary>
    public sealed record Peer(Address Address, int Uid, bool Voter, bool Suspected);

    /// <summary>When each member (by incarnation) last answered, on the monotonic clock.</summary>
    private readonly Dictionary<int, long> _lastAnswer = [];
    private string? _unreachability;
    private long _stableSince;
    private long? _lastTick;

    /// <summary>An answer from incarnation <paramref name="uid"/>, taken at <paramref name="now"/>.</summary>
    public void Answered(int uid, long now)
    {
        if (_lastAnswer.ContainsKey(uid))
        {
            _lastAnswer[uid] = now;
        }
    }

    /// <summary>
    /// One tick: the decision to carry out, or null while there is nothing to decide (the failure detector content, the
    /// unreachability changed within <c>stable-after</c>, or this node just back from a pause).
    /// </summary>
    /// <param name="downedVoters">
    /// Voting members already down but not yet removed. They keep their vote, as members this side cannot reach: each
    /// downing would otherwise shrink the count the next one is decided on, until one node alone is "half".
    /// </param>
    public MajorityDecision.Outcome? Tick(long now, Address self, bool selfVotes, IReadOnlyList<Peer> peers, int downedVoters)
    {
        // A tick this late means this process was stopped or starved for longer than members are given to answer:
        // the answers it took just now may have been sent before it stopped, and the others may have decided about it
        // meanwhile. Everyone gets a fresh grace and the stable window starts again, as for members first seen.
        if (_lastTick is { } last && Stopwatch.GetElapsedTime(last, now) > unreachableAfter)
        {
            foreach (var uid in _lastAnswer.Keys)
            {
                _lastAnswer[uid] = now;
            }

            _unreachability = null;
        }

        _lastTick = now;
        foreach (var peer in peers)
        {
            // A member first seen is given the same grace as one that just answered.
            _lastAnswer.TryAdd(peer.Uid, now);
        }

        foreach (var gone in _lastAnswer.Keys.Except(peers.Select(p => p.Uid)).ToList())
        {
            _lastAnswer.Remove(gone);
        }

        var nodes = peers
            .Select(p => new MajorityDecision.Node(
                p.Address,
                p.Voter,
                !p.Suspected || Stopwatch.GetElapsedTime(_lastAnswer[p.Uid], now) <= unreachableAfter))
            .ToList();

        // Nothing is decided while the cluster's failure detector is content, nor until neither its view nor this
        // node's own has changed for stable-after (a flapping link, a node just back from a pause).
        var suspected = peers.Where(p => p.Suspected).ToList();
        var unreachability = string.Join(' ', suspected.Select(p => $"{p.Address}#{p.Uid}").Order())
            + " | " + string.Join(' ', nodes.Where(n => !n.Reachable).Select(n => n.Address.ToString()).Order());
        if (suspected.Count == 0 || unreachability != _unreachability)
        {
            _unreachability = unreachability;
            _stableSince = now;
            return null;
        }

        return Stopwatch.GetElapsedTime(_stableSince, now) < stableAfter
            ? null
            : MajorityDecision.Decide(self, selfVotes, nodes, downedVoters);
    }
}
