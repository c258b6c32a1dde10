using System.Diagnostics;
using Akka.Actor;
using ActorDns.Host.ControlPlane;
using Xunit;
using Peer = ActorDns.Host.ControlPlane.DowningWatch.Peer;

namespace ActorDns.Host.Tests.ControlPlane;

/// <summary>When the downer decides, on a clock the test moves: probes answered, stable-after, a pause (decision 0033).</summary>
public sealed class DowningWatchTests
{
    private static readonly TimeSpan ProbeInterval = TimeSpan.FromMilliseconds(500);
    private static readonly Address Cp1 = Node(4101);
    private static readonly Address Cp2 = Node(4102);
    private static readonly Address Cp3 = Node(4103);

    private readonly DowningWatch _watch = new(unreachableAfter: TimeSpan.FromSeconds(3), stableAfter: TimeSpan.FromSeconds(1.5));

    private static Address Node(int port) => new("akka.tcp", "actordns", "127.0.0.1", port);

    private static long At(TimeSpan time) => (long)(time.TotalSeconds * Stopwatch.Frequency);

    private static Peer Cp(Address address, bool suspected) => new(address, address.Port!.Value, Voter: true, suspected);

    /// <summary>cp1's ticks from <paramref name="from"/> to <paramref name="to"/>, every probe interval: the outcomes that down someone.</summary>
    private List<(TimeSpan At, MajorityDecision.Outcome Outcome)> Ticks(TimeSpan from, TimeSpan to, IReadOnlyList<Peer> peers)
    {
        var outcomes = new List<(TimeSpan, MajorityDecision.Outcome)>();
        for (var time = from; time <= to; time += ProbeInterval)
        {
            if (_watch.Tick(At(time), Cp1, selfVotes: true, peers, downedVoters: 0) is { Down.Count: > 0 } outcome)
            {
                outcomes.Add((time, outcome));
            }
        }

        return outcomes;
    }

    [Fact]
    public void Tick_NobodySuspected_DecidesNothing()
    {
        Assert.Empty(Ticks(TimeSpan.Zero, TimeSpan.FromSeconds(20), [Cp(Cp2, false), Cp(Cp3, false)]));
    }

    [Fact]
    public void Tick_PeersSilentAndSuspected_DecideOnceUnreachableAfterAndStableAfterHavePassed()
    {
        // cp2 keeps answering, cp3 fell silent at 0 s: unreachable at the first tick more than 3 s later (3.5 s), then
        // decided once that has held for 1.5 s.
        var peers = new[] { Cp(Cp2, false), Cp(Cp3, false) };
        Ticks(TimeSpan.Zero, TimeSpan.Zero, peers);
        peers = [Cp(Cp2, false), Cp(Cp3, true)];
        var outcomes = new List<(TimeSpan At, MajorityDecision.Outcome Outcome)>();
        for (var time = ProbeInterval; time <= TimeSpan.FromSeconds(6) && outcomes.Count == 0; time += ProbeInterval)
        {
            _watch.Answered(Cp2.Port!.Value, At(time));
            outcomes.AddRange(Ticks(time, time, peers));
        }

        var (at, outcome) = Assert.Single(outcomes);
        Assert.Equal(TimeSpan.FromSeconds(5), at);
        Assert.Equal([Cp3], outcome.Down);
        Assert.Equal((2, 3), (outcome.Reached, outcome.Voters));
    }

    [Fact]
    public void Tick_ResumedFromAPause_DecidesNothingOnAnswersFromBeforeIt()
    {
        // cp1 paused from 1 s to 10 s; meanwhile cp2 and cp3 downed it and stopped answering. At its first tick after
        // the pause it takes one answer cp2 sent before the pause, and the failure detector suspects both.
        var peers = new[] { Cp(Cp2, false), Cp(Cp3, false) };
        Assert.Empty(Ticks(TimeSpan.Zero, TimeSpan.FromSeconds(1), peers));
        _watch.Answered(Cp2.Port!.Value, At(TimeSpan.FromSeconds(10)));
        var outcomes = Ticks(TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(20), [Cp(Cp2, true), Cp(Cp3, true)]);

        // Without a fresh grace, cp1 would down cp3 at 11.5 s with "2 of 3", cp2 counted on that stale answer.
        Assert.DoesNotContain(outcomes, o => o.Outcome.Down.Contains(Cp2) || o.Outcome.Down.Contains(Cp3));
        var (at, outcome) = outcomes[0];
        Assert.Equal(TimeSpan.FromSeconds(15), at);
        Assert.Equal([Cp1], outcome.Down);
        Assert.Equal((1, 3), (outcome.Reached, outcome.Voters));
    }

    [Fact]
    public void Tick_LateByLessThanUnreachableAfter_KeepsTheStableWindow()
    {
        // A tick 2 s late (a starved thread pool) is no pause: cp3, silent since 0 s and unreachable since 3.5 s, is
        // downed at that tick, not 4.5 s after it.
        var peers = new[] { Cp(Cp2, false), Cp(Cp3, true) };
        Assert.Empty(Ticks(TimeSpan.Zero, TimeSpan.FromSeconds(4), peers));
        var outcomes = Ticks(TimeSpan.FromSeconds(6), TimeSpan.FromSeconds(6), peers);

        var (_, outcome) = Assert.Single(outcomes);
        Assert.Equal([Cp3], outcome.Down);
    }

    [Fact]
    public void Tick_ChangingUnreachability_RestartsTheStableWindow()
    {
        var silent = new[] { Cp(Cp2, false), Cp(Cp3, true) };
        Assert.Empty(Ticks(TimeSpan.Zero, TimeSpan.FromSeconds(4), silent));
        _watch.Answered(Cp3.Port!.Value, At(TimeSpan.FromSeconds(4)));
        Assert.Empty(Ticks(TimeSpan.FromSeconds(4.5), TimeSpan.FromSeconds(6.5), silent));

        // cp3 answered at 4 s: unreachable again from 7.5 s, decided 1.5 s later.
        var (at, _) = Ticks(TimeSpan.FromSeconds(7), TimeSpan.FromSeconds(12), silent)[0];
        Assert.Equal(TimeSpan.FromSeconds(9), at);
    }
}
