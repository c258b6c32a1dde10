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
    /// A member as the cluster's state shows it now: <paramref name="Fingerprint"/> is null without one, and
    /// <paramref name="Age"/> is its place in Akka's age order (<see cref="Akka.Cluster.Member.AgeOrdering"/>), 0 the oldest.
    /// </summary>
    public readonly record struct Seen(UniqueAddress Member, MemberStatus Status, string? Fingerprint, int Age);

    /// <summary>What this node does about a member whose fingerprint differs from its own.</summary>
    public abstract record Verdict(Seen Other);

    /// <summary>The cluster's oldest up member differs: this node leaves.</summary>
    public sealed record Leave(Seen Other) : Verdict(Other);

    /// <summary>A younger member has no fingerprint: this node downs it.</summary>
    public sealed record Down(Seen Other) : Verdict(Other);

    /// <summary>
    /// The first thing <paramref name="self"/> does about the <paramref name="others"/> whose fingerprint differs from its
    /// own (<paramref name="mine"/>), or null when none needs anything.
    /// </summary>
    public static Verdict? Check(string mine, Seen self, IReadOnlyList<Seen> others)
    {
        // Only the oldest up member speaks for the cluster: an older member that differs may be on its way out, and
        // members still joining speak for nobody.
        var oldestUp = others.Append(self).Where(m => m.Status == MemberStatus.Up).OrderBy(m => m.Age).FirstOrDefault();
        if (oldestUp.Status == MemberStatus.Up && oldestUp.Member != self.Member && oldestUp.Fingerprint != mine)
        {
            return new Leave(oldestUp);
        }

        foreach (var other in others)
        {
            if (other.Fingerprint is null && other.Age > self.Age && other.Status is not (MemberStatus.Down or MemberStatus.Exiting or MemberStatus.Removed))
            {
                return new Down(other);
            }
        }

        return null;
    }
}
