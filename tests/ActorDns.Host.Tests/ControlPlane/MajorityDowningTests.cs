using Akka.Actor;
using Akka.Cluster;
using Akka.Configuration;
using ActorDns.Host.ControlPlane;
using ActorDns.Host.Tests.Support;
using ActorDns.Testing;
using Xunit;

namespace ActorDns.Host.Tests.ControlPlane;

/// <summary>
/// The downing provider's settings (decision 0033), read as Akka reads them when a cluster node starts: a tick later
/// than unreachable-after is taken for a pause, so probes must come at least twice within it. Their fingerprint, and
/// nodes of one in-process cluster that differ in it (C-23, decision 0044).
/// </summary>
public sealed class MajorityDowningTests
{
    private static ActorSystem Node(string downing) => ActorSystem.Create("downing-settings", ConfigurationFactory.ParseString($$"""
        akka.actor.provider = cluster
        akka.remote.dot-netty.tcp { hostname = 127.0.0.1, port = 0 }
        akka.loglevel = WARNING
        {{downing}}
        """));

    [Theory]
    [InlineData("2s", "3s")]
    [InlineData("1501ms", "3s")]
    public void DowningActorProps_ProbeIntervalOverHalfOfUnreachableAfter_ConfigurationException(string probeInterval, string unreachableAfter)
    {
        using var node = Node($"actordns.downing {{ role = control-plane, probe-interval = {probeInterval}, unreachable-after = {unreachableAfter}, stable-after = 1.5s }}");
        var downing = new MajorityDowning(node, Cluster.Get(node));

        var error = Assert.Throws<ConfigurationException>(() => downing.DowningActorProps);

        Assert.Contains("probe-interval", error.Message);
    }

    [Fact]
    public void DowningActorProps_ProbeIntervalHalfOfUnreachableAfter_TheDowner()
    {
        using var node = Node("actordns.downing { role = control-plane, probe-interval = 1500ms, unreachable-after = 3s, stable-after = 1.5s }");

        var props = new MajorityDowning(node, Cluster.Get(node)).DowningActorProps;

        Assert.Equal("Downer", props.Type.Name);
    }

    [Fact]
    public void Constructor_NoDowningSettings_ConfigurationException()
    {
        using var node = Node("");

        var error = Assert.Throws<ConfigurationException>(() => new MajorityDowning(node, Cluster.Get(node)));

        Assert.Contains("actordns.downing", error.Message);
    }

    private const string Settings = DowningMember.Settings;
    private static readonly TimeSpan Within = TimeSpan.FromSeconds(30);

    private static ActorSystem Member(string? fingerprint) => DowningMember.Start("downing-check", "control-plane", fingerprint);

    private static Task UpAsync(ActorSystem observer, int count) => Eventually.TrueAsync(
        () => Task.FromResult(Cluster.Get(observer).State.Members.Count(m => m.Status == MemberStatus.Up) == count),
        Within,
        $"{count} members up");

    [Fact]
    public void FingerprintRole_SameSettings_SameRole()
    {
        var config = ConfigurationFactory.ParseString(Settings + "\nakka.cluster.down-removal-margin = 500ms");

        var role = MajorityDowning.FingerprintRole(config);

        Assert.StartsWith(MajorityDowning.FingerprintPrefix, role, StringComparison.Ordinal);
        Assert.Equal(role, MajorityDowning.FingerprintRole(ConfigurationFactory.ParseString(Settings + "\nakka.cluster.down-removal-margin = 0.5s")));
    }

    [Theory]
    [InlineData("actordns.downing.stable-after = 5s")]
    [InlineData("actordns.downing.unreachable-after = 4s")]
    [InlineData("actordns.downing.probe-interval = 1s")]
    [InlineData("actordns.downing.role = other")]
    [InlineData("akka.cluster.down-removal-margin = 1s")]
    public void FingerprintRole_OneSettingDiffers_AnotherRole(string change)
    {
        var config = ConfigurationFactory.ParseString(Settings + "\nakka.cluster.down-removal-margin = 500ms");

        Assert.NotEqual(
            MajorityDowning.FingerprintRole(config),
            MajorityDowning.FingerprintRole(ConfigurationFactory.ParseString(change).WithFallback(config)));
    }

    [Fact]
    public async Task Join_OlderMembersDecideDowningDifferently_JoinerLeavesWithItsReason()
    {
        using var first = Member("downing-aaaaaaaaaaaa");
        using var alike = Member("downing-aaaaaaaaaaaa");
        using var different = Member("downing-bbbbbbbbbbbb");
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
        using var first = Member("downing-aaaaaaaaaaaa");
        using var unmarked = Member(null);
        var seed = Cluster.Get(first).SelfAddress;
        Cluster.Get(first).Join(seed);
        await UpAsync(first, 1);

        Cluster.Get(unmarked).Join(seed);
        await unmarked.WhenTerminated.WaitAsync(Within);

        Assert.IsType<CoordinatedShutdown.ClusterDowningReason>(CoordinatedShutdown.Get(unmarked).ShutdownReason);
        Assert.False(first.WhenTerminated.IsCompleted);
    }
}
