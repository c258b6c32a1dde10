using Akka.Actor;
using ActorDns.Host.ControlPlane;
using Xunit;
using Node = ActorDns.Host.ControlPlane.MajorityDecision.Node;

namespace ActorDns.Host.Tests.ControlPlane;

/// <summary>Keep-majority over the control-plane nodes each node reaches itself (decision 0033).</summary>
public sealed class MajorityDecisionTests
{
    private static readonly Address Cp1 = At(4101);
    private static readonly Address Cp2 = At(4102);
    private static readonly Address Cp3 = At(4103);
    private static readonly Address R1 = At(4104);

    private static Address At(int port) => new("akka.tcp", "actordns", "127.0.0.1", port);

    private static IReadOnlyList<Address> Down(Address self, bool selfVotes, IReadOnlyCollection<Node> others) =>
        MajorityDecision.Decide(self, selfVotes, others, downedVoters: 0).Down;

    private static Node Voter(Address address, bool reachable) => new(address, Voter: true, reachable);

    private static Node Resolver(Address address, bool reachable) => new(address, Voter: false, reachable);

    [Fact]
    public void Decide_EveryoneReachable_DownsNobody()
    {
        Assert.Empty(Down(Cp1, selfVotes: true, [Voter(Cp2, true), Voter(Cp3, true), Resolver(R1, true)]));
    }

    [Fact]
    public void Decide_MajoritySideOfACut_DownsWhatItCannotReach()
    {
        // cp2's view of {cp1} | {cp2, cp3}, a resolver still reaching both sides.
        Assert.Equal([Cp1], Down(Cp2, selfVotes: true, [Voter(Cp1, false), Voter(Cp3, true), Resolver(R1, true)]));
    }

    [Fact]
    public void Decide_MinoritySideOfACut_DownsItself()
    {
        // cp1's view of the same cut: the resolver reaching it does not make a majority, only control-plane nodes vote.
        Assert.Equal([Cp1], Down(Cp1, selfVotes: true, [Voter(Cp2, false), Voter(Cp3, false), Resolver(R1, true)]));
    }

    [Fact]
    public void Decide_ResolverReachingBothSides_DownsNobody()
    {
        Assert.Empty(Down(R1, selfVotes: false, [Voter(Cp1, true), Voter(Cp2, true), Voter(Cp3, true)]));
    }

    [Fact]
    public void Decide_ResolverCutFromTheControlPlane_DownsItself()
    {
        Assert.Equal([R1], Down(R1, selfVotes: false, [Voter(Cp1, false), Voter(Cp2, false), Voter(Cp3, false)]));
    }

    [Fact]
    public void Decide_ResolverOnTheMajoritySide_LeavesTheDowningToVoters()
    {
        Assert.Empty(Down(R1, selfVotes: false, [Voter(Cp1, false), Voter(Cp2, true), Voter(Cp3, true)]));
    }

    [Fact]
    public void Decide_UnreachableResolverOnTheMajoritySide_IsDowned()
    {
        Assert.Equal([R1], Down(Cp1, selfVotes: true, [Voter(Cp2, true), Voter(Cp3, true), Resolver(R1, false)]));
    }

    [Fact]
    public void Decide_EvenSplit_KeepsTheSideWithTheLowestAddress()
    {
        var cp4 = At(4100 + 9);
        Assert.Equal([Cp3, cp4], Down(Cp1, selfVotes: true, [Voter(Cp2, true), Voter(Cp3, false), Voter(cp4, false)]));
        Assert.Equal([Cp3], Down(Cp3, selfVotes: true, [Voter(Cp1, false), Voter(Cp2, false), Voter(cp4, true)]));
    }

    [Fact]
    public void Decide_MajoritySide_CountsTheVotersItReaches()
    {
        var outcome = MajorityDecision.Decide(Cp2, selfVotes: true, [Voter(Cp1, false), Voter(Cp3, true), Resolver(R1, true)], downedVoters: 0);

        Assert.Equal((2, 3), (outcome.Reached, outcome.Voters));
    }

    [Fact]
    public void Decide_TwoVotersTheLowestGone_TheOtherDownsItself()
    {
        // Exactly half without the lowest address: the side that keeps going is the one the other node would be on.
        Assert.Equal([Cp2], Down(Cp2, selfVotes: true, [Voter(Cp1, false)]));
        Assert.Equal([Cp2], Down(Cp1, selfVotes: true, [Voter(Cp2, false)]));
    }

    [Fact]
    public void Decide_SoleVoter_DownsTheResolverItLost()
    {
        Assert.Equal([R1], Down(Cp1, selfVotes: true, [Resolver(R1, false)]));
    }

    [Fact]
    public void Decide_NoVoterAtAll_ANodeThatLostTheOthersDownsItself()
    {
        Assert.Equal([R1], Down(R1, selfVotes: false, [Resolver(At(4105), false)]));
    }

    [Fact]
    public void Decide_SelfNotYetVoting_CountsNeitherItselfNorTheVote()
    {
        // A control-plane node still joining (weakly up) does not vote for itself either: {cp3 joining, cp2} | {cp1}
        // must not make cp3's side a majority of three while cp1 counts two voters.
        var outcome = MajorityDecision.Decide(Cp3, selfVotes: false, [Voter(Cp1, false), Voter(Cp2, true)], downedVoters: 0);

        Assert.Equal([Cp3], outcome.Down);
        Assert.Equal((1, 2), (outcome.Reached, outcome.Voters));
    }

    [Fact]
    public void Decide_NonVotingMemberDoesNotCount_TwoOfThreeVotersIsAMajority()
    {
        // A joining or weakly-up control-plane node does not vote yet; unreachable, it is downed all the same.
        var joining = new Node(At(4110), Voter: false, Reachable: false);
        Assert.Equal([Cp3, joining.Address], Down(Cp1, selfVotes: true, [Voter(Cp2, true), Voter(Cp3, false), joining]));
    }

    [Fact]
    public void Decide_VoterDownedButNotYetRemoved_KeepsItsVote()
    {
        // cp1 after downing cp3, with cp2 unreachable too: one of three, not "one of two with the lowest address".
        var outcome = MajorityDecision.Decide(Cp1, selfVotes: true, [Voter(Cp2, false), Resolver(R1, false)], downedVoters: 1);

        Assert.Equal([Cp1], outcome.Down);
        Assert.Equal((1, 3), (outcome.Reached, outcome.Voters));
    }
}
