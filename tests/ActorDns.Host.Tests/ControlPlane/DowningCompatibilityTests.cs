using Akka.Actor;
using Akka.Cluster;
using ActorDns.Host.ControlPlane;
using Xunit;
using Seen = ActorDns.Host.ControlPlane.DowningCompatibility.Seen;

namespace ActorDns.Host.Tests.ControlPlane;

/// <summary>Which member gives way when downing fingerprints differ (C-23, decision 0044). Ages: 0 is the oldest.</summary>
public sealed class DowningCompatibilityTests
{
    private const string Mine = "downing-aaaaaaaaaaaa";
    private const string Theirs = "downing-bbbbbbbbbbbb";

    private static Seen Member(int age, string? fingerprint, MemberStatus status = MemberStatus.Up) =>
        new(new UniqueAddress(new Address("akka.tcp", "actordns", "127.0.0.1", 4100 + age), 1), status, fingerprint, age);

    private static Seen Self(int age, MemberStatus status = MemberStatus.Up) => Member(age, Mine, status);

    [Fact]
    public void Check_AllMembersAlike_Nothing()
    {
        Assert.Null(DowningCompatibility.Check(Mine, Self(1), [Member(0, Mine), Member(2, Mine)]));
    }

    [Theory]
    [InlineData(MemberStatus.Up)]
    [InlineData(MemberStatus.Joining)]
    [InlineData(MemberStatus.WeaklyUp)]
    public void Check_OldestUpMemberDiffers_ThisNodeLeaves(MemberStatus self)
    {
        var oldest = Member(0, Theirs);

        Assert.Equal(new DowningCompatibility.Leave(oldest), DowningCompatibility.Check(Mine, Self(2, self), [Member(1, Theirs), oldest]));
    }

    [Fact]
    public void Check_OldestUpMemberWithoutFingerprint_ThisNodeLeaves()
    {
        var oldest = Member(0, null);

        Assert.Equal(new DowningCompatibility.Leave(oldest), DowningCompatibility.Check(Mine, Self(1, MemberStatus.Joining), [oldest]));
    }

    [Theory]
    [InlineData(MemberStatus.Leaving)]
    [InlineData(MemberStatus.Exiting)]
    [InlineData(MemberStatus.Down)]
    [InlineData(MemberStatus.WeaklyUp)]
    public void Check_OlderMemberDiffersButIsNotUp_TheOldestUpDecides(MemberStatus status)
    {
        Assert.Null(DowningCompatibility.Check(Mine, Self(2), [Member(0, Theirs, status), Member(1, Mine)]));
    }

    [Fact]
    public void Check_OlderUpMemberDiffersButTheOldestIsAlike_Nothing()
    {
        // It differs from the oldest too, and leaves by itself.
        Assert.Null(DowningCompatibility.Check(Mine, Self(2), [Member(0, Mine), Member(1, Theirs)]));
    }

    [Fact]
    public void Check_ThisNodeIsTheOldestUp_Nothing()
    {
        Assert.Null(DowningCompatibility.Check(Mine, Self(1), [Member(0, Theirs, MemberStatus.Leaving), Member(2, Theirs)]));
    }

    [Fact]
    public void Check_NoMemberUpYet_Nothing()
    {
        Assert.Null(DowningCompatibility.Check(Mine, Self(1, MemberStatus.Joining), [Member(0, Theirs, MemberStatus.Joining)]));
    }

    [Fact]
    public void Check_YoungerMemberDiffers_LeftToItself()
    {
        Assert.Null(DowningCompatibility.Check(Mine, Self(0), [Member(1, Theirs, MemberStatus.Joining)]));
    }

    [Fact]
    public void Check_YoungerMemberWithoutFingerprint_Downed()
    {
        var younger = Member(2, null, MemberStatus.Joining);

        Assert.Equal(new DowningCompatibility.Down(younger), DowningCompatibility.Check(Mine, Self(1), [Member(0, Mine), younger]));
    }

    [Fact]
    public void Check_OlderMemberWithoutFingerprintNotUp_NotDownedByThisNode()
    {
        Assert.Null(DowningCompatibility.Check(Mine, Self(1), [Member(0, null, MemberStatus.Leaving)]));
    }

    [Fact]
    public void Check_OldestDiffersAndYoungerWithout_LeavingComesFirst()
    {
        var oldest = Member(0, Theirs);

        Assert.Equal(new DowningCompatibility.Leave(oldest), DowningCompatibility.Check(Mine, Self(1), [Member(2, null), oldest]));
    }

    [Theory]
    [InlineData(MemberStatus.Down)]
    [InlineData(MemberStatus.Exiting)]
    [InlineData(MemberStatus.Removed)]
    public void Check_YoungerMemberWithoutFingerprintOnItsWayOut_Nothing(MemberStatus status)
    {
        Assert.Null(DowningCompatibility.Check(Mine, Self(0), [Member(1, null, status)]));
    }
}
