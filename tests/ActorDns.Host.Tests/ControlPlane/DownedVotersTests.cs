using Akka.Actor;
using Akka.Cluster;
using ActorDns.Host.ControlPlane;
using Xunit;
using Seen = ActorDns.Host.ControlPlane.DownedVoters.Seen;

namespace ActorDns.Host.Tests.ControlPlane;

/// <summary>Which down members keep their vote in <see cref="MajorityDowning"/>'s next decision (decision 0033).</summary>
public sealed class DownedVotersTests
{
    private static readonly UniqueAddress Self = Member(4101);
    private static readonly UniqueAddress Cp2 = Member(4102);
    private static readonly UniqueAddress Cp3 = Member(4103);
    private static readonly UniqueAddress Resolver = Member(4201);

    private readonly DownedVoters _downedVoters = new();

    private static UniqueAddress Member(int port, int uid = 1) => new(new Address("akka.tcp", "actordns", "127.0.0.1", port), uid);

    private static Seen Cp(UniqueAddress member, MemberStatus status) => new(member, status, HasRole: true);

    private int Count(params Seen[] members) => _downedVoters.Count(Self, members);

    [Fact]
    public void Count_VotersDownedAfterBeingUp_CountsEach()
    {
        Count(Cp(Self, MemberStatus.Up), Cp(Cp2, MemberStatus.Up), Cp(Cp3, MemberStatus.Leaving));

        Assert.Equal(2, Count(Cp(Self, MemberStatus.Up), Cp(Cp2, MemberStatus.Down), Cp(Cp3, MemberStatus.Down)));
    }

    [Fact]
    public void Count_MemberDownedWhileJoining_DoesNotCount()
    {
        Count(Cp(Self, MemberStatus.Up), Cp(Cp2, MemberStatus.Joining));

        Assert.Equal(0, Count(Cp(Self, MemberStatus.Up), Cp(Cp2, MemberStatus.Down)));
    }

    [Fact]
    public void Count_DownedMemberWithoutTheRole_DoesNotCount()
    {
        Count(Cp(Self, MemberStatus.Up), new Seen(Resolver, MemberStatus.Up, HasRole: false));

        Assert.Equal(0, Count(Cp(Self, MemberStatus.Up), new Seen(Resolver, MemberStatus.Down, HasRole: false)));
    }

    [Fact]
    public void Count_ThisNodeDown_DoesNotCountItself()
    {
        Count(Cp(Self, MemberStatus.Up), Cp(Cp2, MemberStatus.Up));

        Assert.Equal(0, Count(Cp(Self, MemberStatus.Down), Cp(Cp2, MemberStatus.Up)));
    }

    [Fact]
    public void Count_VoterSeenOnlyOnceItIsDown_DoesNotCount()
    {
        // This node joined after cp2 was downed: it never saw cp2 vote.
        Assert.Equal(0, Count(Cp(Self, MemberStatus.Up), Cp(Cp2, MemberStatus.Down)));
    }

    [Fact]
    public void Count_VoterRemoved_IsForgotten()
    {
        Count(Cp(Self, MemberStatus.Up), Cp(Cp2, MemberStatus.Up));
        Count(Cp(Self, MemberStatus.Up));

        // The same incarnation cannot come back; were it shown again only as down, it is no longer known to have voted.
        Assert.Equal(0, Count(Cp(Self, MemberStatus.Up), Cp(Cp2, MemberStatus.Down)));
    }
}
