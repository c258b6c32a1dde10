using Akka.Actor;
using Akka.Cluster;
using ActorDns.Host.ControlPlane;
using Xunit;
using Seen = ActorDns.Host.ControlPlane.DowningCompatibility.Seen;

namespace ActorDns.Host.Tests.ControlPlane;

/// <summary>Of two members whose downing differs, which one gives way (C-23, decision 0044).</summary>
public sealed class DowningCompatibilityTests
{
    private const string Mine = "downing-aaaaaaaaaaaa";
    private const string Theirs = "downing-bbbbbbbbbbbb";

    private static Seen Other(int port, string? fingerprint, bool olderThanSelf, MemberStatus status = MemberStatus.Up) =>
        new(new UniqueAddress(new Address("akka.tcp", "actordns", "127.0.0.1", port), 1), status, fingerprint, olderThanSelf);

    [Fact]
    public void Check_AllMembersAlike_Nothing()
    {
        Assert.Null(DowningCompatibility.Check(Mine, [Other(4102, Mine, olderThanSelf: true), Other(4103, Mine, olderThanSelf: false)]));
    }

    [Fact]
    public void Check_OlderMemberDiffers_ThisNodeLeaves()
    {
        var older = Other(4102, Theirs, olderThanSelf: true);

        var verdict = DowningCompatibility.Check(Mine, [Other(4103, Mine, olderThanSelf: true), older]);

        Assert.Equal(new DowningCompatibility.Leave(older), verdict);
    }

    [Fact]
    public void Check_OlderMemberWithoutFingerprint_ThisNodeLeaves()
    {
        var older = Other(4102, null, olderThanSelf: true);

        Assert.Equal(new DowningCompatibility.Leave(older), DowningCompatibility.Check(Mine, [older]));
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

        Assert.Equal(new DowningCompatibility.Down(younger), DowningCompatibility.Check(Mine, [younger]));
    }

    [Fact]
    public void Check_OlderDifferingAndYoungerWithout_LeavingComesFirst()
    {
        var older = Other(4103, Theirs, olderThanSelf: true);

        var verdict = DowningCompatibility.Check(Mine, [Other(4102, null, olderThanSelf: false), older]);

        Assert.Equal(new DowningCompatibility.Leave(older), verdict);
    }

    [Theory]
    [InlineData(MemberStatus.Down)]
    [InlineData(MemberStatus.Exiting)]
    [InlineData(MemberStatus.Removed)]
    public void Check_DifferingMemberOnItsWayOut_Nothing(MemberStatus status)
    {
        Assert.Null(DowningCompatibility.Check(Mine, [Other(4102, Theirs, olderThanSelf: true, status), Other(4103, null, olderThanSelf: false, status)]));
    }
}
