using Akka.Actor;
using Akka.Cluster;
using ActorDns.Host.ControlPlane;
using Xunit;
using Seen = ActorDns.Host.ControlPlane.DowningCompatibility.Seen;

namespace ActorDns.Host.Tests.ControlPlane;

/// <summary>Which member gives way when downing fingerprints differ (C-23, decision 0044).</summary>
public sealed class DowningCompatibilityTests
{
    private const string Mine = "downing-aaaaaaaaaaaa";
    private const string Theirs = "downing-bbbbbbbbbbbb";

    private static Seen Oldest(string? fingerprint) => Other(4101, fingerprint, olderThanSelf: true) with { OldestUp = true };

    private static Seen Other(int port, string? fingerprint, bool olderThanSelf, MemberStatus status = MemberStatus.Up) =>
        new(new UniqueAddress(new Address("akka.tcp", "actordns", "127.0.0.1", port), 1), status, fingerprint, olderThanSelf, OldestUp: false);

    [Fact]
    public void Check_AllMembersAlike_Nothing()
    {
        Assert.Null(DowningCompatibility.Check(Mine, [Oldest(Mine), Other(4103, Mine, olderThanSelf: false)]));
    }

    [Fact]
    public void Check_OldestUpMemberDiffers_ThisNodeLeaves()
    {
        var oldest = Oldest(Theirs);

        Assert.Equal(new DowningCompatibility.Leave(oldest), DowningCompatibility.Check(Mine, [Other(4103, Mine, olderThanSelf: true), oldest]));
    }

    [Fact]
    public void Check_OldestUpMemberWithoutFingerprint_ThisNodeLeaves()
    {
        var oldest = Oldest(null);

        Assert.Equal(new DowningCompatibility.Leave(oldest), DowningCompatibility.Check(Mine, [oldest]));
    }

    [Theory]
    [InlineData(MemberStatus.Up)]
    [InlineData(MemberStatus.Leaving)]
    [InlineData(MemberStatus.WeaklyUp)]
    public void Check_OlderMemberDiffersButTheOldestIsAlike_Nothing(MemberStatus status)
    {
        // A member that differs and came up before this node, on its way out: the cluster is the oldest member's.
        Assert.Null(DowningCompatibility.Check(Mine, [Oldest(Mine), Other(4102, Theirs, olderThanSelf: true, status)]));
    }

    [Fact]
    public void Check_NoMemberUpYet_Nothing()
    {
        // Two nodes joining at once: neither speaks for the cluster.
        Assert.Null(DowningCompatibility.Check(Mine, [Other(4102, Theirs, olderThanSelf: true, MemberStatus.Joining)]));
    }

    [Fact]
    public void Check_YoungerMemberDiffers_LeftToItself()
    {
        Assert.Null(DowningCompatibility.Check(Mine, [Other(4102, Theirs, olderThanSelf: false, MemberStatus.Joining)]));
    }

    [Fact]
    public void Check_YoungerMemberWithoutFingerprint_Downed()
    {
        var younger = Other(4102, null, olderThanSelf: false, MemberStatus.Joining);

        Assert.Equal(new DowningCompatibility.Down(younger), DowningCompatibility.Check(Mine, [Oldest(Mine), younger]));
    }

    [Fact]
    public void Check_OldestDiffersAndYoungerWithout_LeavingComesFirst()
    {
        var oldest = Oldest(Theirs);

        Assert.Equal(new DowningCompatibility.Leave(oldest), DowningCompatibility.Check(Mine, [Other(4102, null, olderThanSelf: false), oldest]));
    }

    [Theory]
    [InlineData(MemberStatus.Down)]
    [InlineData(MemberStatus.Exiting)]
    [InlineData(MemberStatus.Removed)]
    public void Check_YoungerMemberWithoutFingerprintOnItsWayOut_Nothing(MemberStatus status)
    {
        Assert.Null(DowningCompatibility.Check(Mine, [Oldest(Mine), Other(4102, null, olderThanSelf: false, status)]));
    }
}
