using Akka.Cluster;

namespace ActorDns.Host.ControlPlane;

/// <summary>
/// Whether this node may share a cluster with the others (C-23, decision 0044): every member must decide downing alike, so
/// each carries its downing configuration's fingerprint as a role (<see cref="MajorityDowning.FingerprintRole"/>). The
/// cluster's fingerprint is its oldest up member's: a node that differs from it leaves. A member without a fingerprint
/// comes from a release before the check and cannot leave by itself, so the members older than it down it. Apart from
/// the actor so that tests can feed it members.
/// </summary>
internal static class DowningCompatibility
{
    /// <summary>
    /// Another member as the cluster's state shows it now; <paramref name="Fingerprint"/> is null without one, and
    /// <paramref name="OldestUp"/> is true for the oldest member that is up, unless this node is older still.
    /// </summary>
    public readonly record struct Seen(UniqueAddress Member, MemberStatus Status, string? Fingerprint, bool OlderThanSelf, bool OldestUp);

    /// <summary>What this node does about a member whose fingerprint differs from its own.</summary>
    public abstract record Verdict(Seen Other);

    /// <summary>The cluster's oldest up member differs: this node leaves.</summary>
    public sealed record Leave(Seen Other) : Verdict(Other);

    /// <summary>A younger member has no fingerprint: this node downs it.</summary>
    public sealed record Down(Seen Other) : Verdict(Other);

    /// <summary>The first thing to do about the members that differ from <paramref name="mine"/>, or null when none needs anything.</summary>
    public static Verdict? Check(string mine, IReadOnlyList<Seen> others)
    {
        // Only the oldest up member speaks for the cluster: an older member that differs may itself be on its way out,
        // and of two members joining at once neither is older than the other in any sense that matters.
        if (others.FirstOrDefault(o => o.OldestUp) is { OldestUp: true } oldest && oldest.Fingerprint != mine)
        {
            return new Leave(oldest);
        }

        return others.FirstOrDefault(o => o is { Fingerprint: null, OlderThanSelf: false }
            && o.Status is not (MemberStatus.Down or MemberStatus.Exiting or MemberStatus.Removed)) is { Member: not null } younger
            ? new Down(younger)
            : null;
    }
}
