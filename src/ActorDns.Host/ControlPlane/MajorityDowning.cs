using Akka.Actor;
using Akka.Cluster;
using Akka.Configuration;
using Akka.Event;

namespace ActorDns.Host.ControlPlane;

/// <summary>
/// The cluster's downing provider (<c>akka.cluster.downing-provider-class</c>, decision 0033), in place of Akka's
/// split-brain resolver: its actor runs on every node, asks every other member "are you there" over the cluster's own
/// connections, and once the cluster's unreachability has not changed for <c>stable-after</c>, downs what
/// <see cref="MajorityDecision"/> says. Settings: <c>actordns.downing</c>.
/// </summary>
public sealed class MajorityDowning(ActorSystem system, Cluster cluster) : IDowningProvider
{
    private readonly Config _config = system.Settings.Config.GetConfig("actordns.downing")
        ?? throw new ConfigurationException("actordns.downing is missing: MajorityDowning needs its settings");

    public TimeSpan DownRemovalMargin => system.Settings.Config.GetTimeSpan("akka.cluster.down-removal-margin");

    public Props DowningActorProps => Props.Create(() => new Downer(
        cluster,
        _config.GetString("role"),
        _config.GetTimeSpan("probe-interval"),
        _config.GetTimeSpan("unreachable-after"),
        _config.GetTimeSpan("stable-after")));

    /// <summary>Asks and decides; a child of the cluster daemon, so at the same path on every node.</summary>
    private sealed class Downer : ReceiveActor, IWithTimers
    {
        private const string Probe = "are-you-there";

        private readonly Cluster _cluster;
        private readonly string _role;
        private readonly TimeSpan _unreachableAfter;
        private readonly TimeSpan _stableAfter;
        private readonly ILoggingAdapter _log = Context.GetLogger();
        private readonly Dictionary<Address, DateTime> _lastAnswer = [];
        private readonly HashSet<UniqueAddress> _downed = [];
        private string _unreachability = "";
        private DateTime _stableSince = DateTime.UtcNow;

        public Downer(Cluster cluster, string role, TimeSpan probeInterval, TimeSpan unreachableAfter, TimeSpan stableAfter)
        {
            _cluster = cluster;
            _role = role;
            _unreachableAfter = unreachableAfter;
            _stableAfter = stableAfter;
            Receive<ActorIdentity>(answer =>
            {
                if (answer.Subject is { } subject)
                {
                    _lastAnswer[subject.Path.Address] = DateTime.UtcNow;
                }
            });
            Receive<Tick>(_ => OnTick());
            Timers.StartPeriodicTimer(nameof(Tick), Tick.Instance, probeInterval);
        }

        public ITimerScheduler Timers { get; set; } = null!;

        private void OnTick()
        {
            var state = _cluster.State;
            var self = _cluster.SelfAddress;
            var now = DateTime.UtcNow;
            var others = state.Members
                .Where(m => m.Address != self && m.Status is not (MemberStatus.Down or MemberStatus.Exiting or MemberStatus.Removed))
                .ToList();
            foreach (var member in others)
            {
                Context.ActorSelection(new RootActorPath(member.Address) / Self.Path.Elements).Tell(new Identify(Probe));

                // A member first seen is given the same grace as one that just answered.
                _lastAnswer.TryAdd(member.Address, now);
            }

            var nodes = others
                .Select(m => new MajorityDecision.Node(
                    m.Address,
                    m.HasRole(_role) && m.Status is MemberStatus.Up or MemberStatus.Leaving,
                    now - _lastAnswer[m.Address] <= _unreachableAfter))
                .ToList();
            foreach (var gone in _lastAnswer.Keys.Except(others.Select(m => m.Address)).ToList())
            {
                _lastAnswer.Remove(gone);
            }

            // Nothing is decided while the cluster's failure detector is content, nor until neither its view nor this
            // node's own has changed for stable-after (a flapping link, a node just back from a pause).
            var unreachability = string.Join(' ', state.Unreachable.Select(m => m.Address.ToString()).Order())
                + " | " + string.Join(' ', nodes.Where(n => !n.Reachable).Select(n => n.Address.ToString()).Order());
            if (state.Unreachable.Count == 0 || unreachability != _unreachability)
            {
                _unreachability = unreachability;
                _stableSince = now;
                return;
            }

            if (now - _stableSince < _stableAfter)
            {
                return;
            }

            // Each incarnation once: a node restarted at the same address is a new member.
            _downed.IntersectWith(state.Members.Select(m => m.UniqueAddress));
            var selfVotes = _cluster.SelfRoles.Contains(_role);
            foreach (var address in MajorityDecision.Decide(self, selfVotes, nodes))
            {
                var member = address == self ? _cluster.SelfUniqueAddress : others.First(m => m.Address == address).UniqueAddress;
                if (!_downed.Add(member))
                {
                    continue;
                }

                var reached = nodes.Count(n => n.Voter && n.Reachable) + (selfVotes ? 1 : 0);
                var voters = nodes.Count(n => n.Voter) + (selfVotes ? 1 : 0);
                _log.Warning(
                    address == self
                        ? "Downing this node: it reaches {0} of {1} {2} nodes, not a majority"
                        : "Downing {3}: unreachable from here, and this side has {0} of {1} {2} nodes",
                    reached, voters, _role, address);
                _cluster.Down(address);
            }
        }

        private sealed record Tick
        {
            public static readonly Tick Instance = new();
        }
    }
}
