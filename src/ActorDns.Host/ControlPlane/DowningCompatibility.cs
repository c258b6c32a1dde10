using Akka.Cluster;

namespace ActorDns.Host.ControlPlane;

/// <summary>
/// Whether this node may share a cluster with the others (C-23, decision 0044): every member must decide downing alike, so
/// each carries its downing configuration's fingerprint as a role (<see cref="MajorityDowning.FingerprintRole"/>). Of two
/// members that differ, the younger gives way: it leaves. A member without a fingerprint comes from a release before
/// the check and cannot give way itself, so the older members down it. Apart from the actor so that tests can feed it
/// members.
/// </summary>
internal static class DowningCompatibility
{
    /// <summary>Another member as the cluster's state shows it now; <paramref name="Fingerprint"/> is null without one.</summary>
    public readonly record struct Seen(UniqueAddress Member, MemberStatus Status, string? Fingerprint, bool OlderThanSelf);

    /// <summary>What this node does about a member whose fingerprint differs from its own.</summary>
    public abstract record Verdict(Seen Other);

    /// <summary>This node is the younger: it leaves the cluster.</summary>
    public sealed record Leave(Seen Other) : Verdict(Other);

    /// <summary>The other member is younger and has no fingerprint: this node downs it.</summary>
    public sealed record Down(Seen Other) : Verdict(Other);

    /// <summary>The first thing to do about the members that differ from <paramref name="mine"/>, or null when none needs anything.</summary>
    public static Verdict? Check(string mine, IReadOnlyList<Seen> others)
    {
        Verdict? down = null;
        foreach (var other in others)
        {
            if (other.Fingerprint == mine || other.Status is MemberStatus.Down or MemberStatus.Exiting or MemberStatus.Removed)
            {
                continue;
            }

            if (other.OlderThanSelf)
            {
                return new Leave(other);
            }

            // A younger member with a fingerprint of its own leaves by itself.
            if (other.Fingerprint is null)
            {
                down ??= new Down(other);
            }
        }

        return down;
    }
}
