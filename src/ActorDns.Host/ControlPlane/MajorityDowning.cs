using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
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
    /// <summary>The prefix of the role that carries a member's downing fingerprint.</summary>
    private const string FingerprintPrefix = "downing-";

    /// <summary>
    /// How <see cref="MajorityDecision"/> decides. A release that changes the rules raises it, so that its nodes refuse to
    /// share a cluster with nodes that would decide the same partition differently.
    /// </summary>
    private const int DecisionVersion = 1;

    private readonly Config _config = Settings(system.Settings.Config);

    public TimeSpan DownRemovalMargin => system.Settings.Config.GetTimeSpan("akka.cluster.down-removal-margin");

    /// <summary>
    /// The role that names a downing configuration (C-23): the decision's version, the voting role, the timings of
    /// <c>actordns.downing</c> and <c>down-removal-margin</c>. Nodes with different ones must not share a cluster.
    /// </summary>
    public static string FingerprintRole(Config config)
    {
        var downing = Settings(config);
        var text = string.Join(
            '|',
            DecisionVersion,
            downing.GetString("role"),
            downing.GetTimeSpan("probe-interval"),
            downing.GetTimeSpan("unreachable-after"),
            downing.GetTimeSpan("stable-after"),
            config.GetTimeSpan("akka.cluster.down-removal-margin"));
        return FingerprintPrefix + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..12];
    }

    /// <summary>Whether a member's role is its downing fingerprint rather than a role it serves in.</summary>
    public static bool IsFingerprintRole(string role) => role.StartsWith(FingerprintPrefix, StringComparison.Ordinal);

    private static Config Settings(Config config) => config.GetConfig("actordns.downing")
        ?? throw new ConfigurationException("actordns.downing is missing: MajorityDowning needs its settings");

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

            // The role is given when the node is set up, the settings read here: they must be the same, or the check
            // would compare something other than what this node decides with.
            if (cluster.SelfRoles.FirstOrDefault(IsFingerprintRole) is { } role && role != FingerprintRole(system.Settings.Config))
            {
                throw new ConfigurationException(
                    $"this node's downing fingerprint role {role} is not that of its settings, {FingerprintRole(system.Settings.Config)}");
            }

            return Props.Create(() => new Downer(cluster, _config.GetString("role"), probeInterval, unreachableAfter, _config.GetTimeSpan("stable-after")));
        }
    }

    /// <summary>Why a node left a cluster whose downing configuration differs from its own (C-23).</summary>
    public sealed class IncompatibleDowningReason : CoordinatedShutdown.Reason
    {
        public static readonly IncompatibleDowningReason Instance = new();

        private IncompatibleDowningReason()
        {
        }

        /// <summary>The process's exit code after leaving for this reason (docs/configuration.md).</summary>
        public const int Code = 4;

        public override int ExitCode => Code;
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
        private bool _leaving;

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

        private static string? Fingerprint(Member member) => member.Roles.FirstOrDefault(IsFingerprintRole);

        private void OnTick()
        {
            var state = _cluster.State;
            var self = _cluster.SelfMember;

            // Each incarnation once: a node restarted at the same address is a new member.
            _downed.IntersectWith(state.Members.Select(m => m.UniqueAddress));
            if (_leaving || !Compatible(state, self))
            {
                return;
            }

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

        /// <summary>
        /// False once this node leaves because the cluster's oldest up member decides downing differently (C-23); downs a younger
        /// member that carries no fingerprint, which cannot tell by itself.
        /// </summary>
        private bool Compatible(ClusterEvent.CurrentClusterState state, Member self)
        {
            if (Fingerprint(self) is not { } mine)
            {
                return true;
            }

            var byAge = state.Members
                .Append(self)
                .DistinctBy(m => m.UniqueAddress)
                .OrderBy(m => m, Member.AgeOrdering)
                .Select((m, age) => new DowningCompatibility.Seen(m.UniqueAddress, m.Status, Fingerprint(m), age))
                .ToList();
            var me = byAge.Single(m => m.Member == self.UniqueAddress);
            switch (DowningCompatibility.Check(mine, me, [.. byAge.Where(m => m.Member != self.UniqueAddress)]))
            {
                case DowningCompatibility.Leave { Other: var other }:
                    _log.Error(
                        "This node decides downing differently from {0}, the cluster's oldest member (downing fingerprint {1} here, " +
                        "{2} there): every node of a cluster must run the same release's downing. This node leaves the cluster",
                        other.Member.Address, mine, other.Fingerprint ?? "none, a release before the check");
                    _leaving = true;
                    CoordinatedShutdown.Get(Context.System).Run(IncompatibleDowningReason.Instance);
                    return false;
                case DowningCompatibility.Down { Other: var other }:
                    if (_downed.Add(other.Member))
                    {
                        _log.Warning(
                            "Downing {0}: it joined with no downing fingerprint (a release before the check), and may decide downing differently",
                            other.Member.Address);
                        _cluster.Down(other.Member.Address);
                    }

                    break;
            }

            return true;
        }

        private sealed record Tick
        {
            public static readonly Tick Instance = new();
        }
    }
}
