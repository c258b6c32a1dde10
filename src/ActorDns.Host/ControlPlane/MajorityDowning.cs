using System.Diagnostics;
using Akka.Actor;
using Akka.Cluster;
using Akka.Configuration;
using Akka.Event;

namespace ActorDns.Host.ControlPlane;

/// <summary>
/// The cluster's downing provider (<c>akka.cluster.downing-provider-class</c>, decision 0033), in place of Akka's
/// split-brain resolver: its actor runs on every node, asks every other member's incarnation "are you there" over the
/// cluster's own connections, and once the cluster's unreachability has not changed for <c>stable-after</c>, downs what
/// <see cref="MajorityDecision"/> says. Settings: <c>actordns.downing</c>.
/// </summary>
public sealed class MajorityDowning(ActorSystem system, Cluster cluster) : IDowningProvider
{
    private readonly Config _config = system.Settings.Config.GetConfig("actordns.downing")
        ?? throw new ConfigurationException("actordns.downing is missing: MajorityDowning needs its settings");

    public TimeSpan DownRemovalMargin => system.Settings.Config.GetTimeSpan("akka.cluster.down-removal-margin");

    public Props DowningActorProps
    {
        get
        {
            var (probeInterval, unreachableAfter) = (_config.GetTimeSpan("probe-interval"), _config.GetTimeSpan("unreachable-after"));

            // A tick later than unreachable-after is taken for a pause (DowningWatch): probes must come more often.
            if (probeInterval * 2 > unreachableAfter)
            {
                throw new ConfigurationException(
                    $"actordns.downing.probe-interval ({probeInterval}) must be at most half of unreachable-after ({unreachableAfter})");
            }

            return Props.Create(() => new Downer(cluster, _config.GetString("role"), probeInterval, unreachableAfter, _config.GetTimeSpan("stable-after")));
        }
    }

    /// <summary>Asks and decides; a child of the cluster daemon, so at the same path on every node.</summary>
    private sealed class Downer : ReceiveActor, IWithTimers
    {
        private readonly Cluster _cluster;
        private readonly string _role;
        private readonly DowningWatch _watch;
        private readonly ILoggingAdapter _log = Context.GetLogger();
        private readonly HashSet<UniqueAddress> _downed = [];
        private readonly DownedVoters _downedVoters = new();

        public Downer(Cluster cluster, string role, TimeSpan probeInterval, TimeSpan unreachableAfter, TimeSpan stableAfter)
        {
            _cluster = cluster;
            _role = role;
            _watch = new DowningWatch(unreachableAfter, stableAfter);

            // The question is the incarnation asked (an int), the answer the same number as a long, sent only by that
            // incarnation: a node restarted at the same address must not answer for the one it replaced, which the
            // cluster still has to down before the new one may join (the nemesis found that deadlock with Identify).
            Receive<int>(uid =>
            {
                if (uid == _cluster.SelfUniqueAddress.Uid)
                {
                    Sender.Tell((long)uid);
                }
            });
            Receive<long>(answer => _watch.Answered((int)answer, Stopwatch.GetTimestamp()));
            Receive<Tick>(_ => OnTick());
            Timers.StartPeriodicTimer(nameof(Tick), Tick.Instance, probeInterval);
        }

        public ITimerScheduler Timers { get; set; } = null!;

        private static bool Votes(Member member, string role) => DownedVoters.Votes(member.Status, member.HasRole(role));

        private void OnTick()
        {
            var state = _cluster.State;
            var self = _cluster.SelfMember;
            var others = state.Members
                .Where(m => m.UniqueAddress != self.UniqueAddress && m.Status is not (MemberStatus.Down or MemberStatus.Exiting or MemberStatus.Removed))
                .ToList();
            foreach (var member in others)
            {
                Context.ActorSelection(new RootActorPath(member.Address) / Self.Path.Elements).Tell(member.UniqueAddress.Uid);
            }

            var suspected = state.Unreachable.Select(m => m.UniqueAddress).ToHashSet();
            var peers = others
                .Select(m => new DowningWatch.Peer(m.Address, m.UniqueAddress.Uid, Votes(m, _role), suspected.Contains(m.UniqueAddress)))
                .ToList();
            var downedVoters = _downedVoters.Count(
                self.UniqueAddress,
                [.. state.Members.Select(m => new DownedVoters.Seen(m.UniqueAddress, m.Status, m.HasRole(_role)))]);
            if (_watch.Tick(Stopwatch.GetTimestamp(), self.Address, Votes(self, _role), peers, downedVoters) is not { } outcome)
            {
                return;
            }

            // Each incarnation once: a node restarted at the same address is a new member.
            _downed.IntersectWith(state.Members.Select(m => m.UniqueAddress));
            foreach (var address in outcome.Down)
            {
                var member = address == self.Address ? self.UniqueAddress : others.First(m => m.Address == address).UniqueAddress;
                if (!_downed.Add(member))
                {
                    continue;
                }

                _log.Warning(
                    address == self.Address
                        ? "Downing this node: it reaches {0} of {1} {2} nodes, not a majority"
                        : "Downing {3}: unreachable from here, and this side has {0} of {1} {2} nodes",
                    outcome.Reached, outcome.Voters, _role, address);
                _cluster.Down(address);
            }
        }

        private sealed record Tick
        {
            public static readonly Tick Instance = new();
        }
    }
}
