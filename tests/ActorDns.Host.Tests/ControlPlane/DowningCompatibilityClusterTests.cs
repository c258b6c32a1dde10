using Akka.Actor;
using Akka.Cluster;
using ActorDns.Host.ControlPlane;
using ActorDns.Host.Tests.Support;
using ActorDns.Testing;
using Xunit;

namespace ActorDns.Host.Tests.ControlPlane;

/// <summary>In-process clusters whose members differ in their downing fingerprint (C-23, decision 0044).</summary>
public sealed class DowningCompatibilityClusterTests
{
    private static readonly TimeSpan Within = TimeSpan.FromSeconds(30);

    private static ActorSystem Member(string changed = "", bool marked = true) =>
        DowningMember.Start("downing-check", "control-plane", changed, marked);

    private static Task UpAsync(ActorSystem observer, int count) => Eventually.TrueAsync(
        () => Task.FromResult(Cluster.Get(observer).State.Members.Count(m => m.Status == MemberStatus.Up) == count),
        Within,
        $"{count} members up");

    [Fact]
    public async Task Join_OldestMemberDecidesDowningDifferently_JoinerLeavesWithItsReason()
    {
        using var first = Member();
        using var alike = Member();
        using var different = Member("actordns.downing.stable-after = 2s");
        var seed = Cluster.Get(first).SelfAddress;
        Cluster.Get(first).Join(seed);
        Cluster.Get(alike).Join(seed);
        await UpAsync(first, 2);

        Cluster.Get(different).Join(seed);
        await different.WhenTerminated.WaitAsync(Within);

        Assert.IsType<MajorityDowning.IncompatibleDowningReason>(CoordinatedShutdown.Get(different).ShutdownReason);
        await Eventually.TrueAsync(
            () => Task.FromResult(Cluster.Get(first).State.Members.All(m => m.Address != Cluster.Get(different).SelfAddress)),
            Within,
            "the member that left removed");
        await UpAsync(first, 2);
        Assert.False(first.WhenTerminated.IsCompleted || alike.WhenTerminated.IsCompleted);
    }

    [Fact]
    public async Task Join_MemberWithoutFingerprint_TheOlderMemberDownsIt()
    {
        using var first = Member();
        using var unmarked = Member(marked: false);
        var seed = Cluster.Get(first).SelfAddress;
        Cluster.Get(first).Join(seed);
        await UpAsync(first, 1);

        Cluster.Get(unmarked).Join(seed);
        await unmarked.WhenTerminated.WaitAsync(Within);

        Assert.IsType<CoordinatedShutdown.ClusterDowningReason>(CoordinatedShutdown.Get(unmarked).ShutdownReason);
        Assert.False(first.WhenTerminated.IsCompleted);
    }
}
