using Akka.Actor;
using Akka.Cluster;
using Akka.Configuration;
using ActorDns.Host.ControlPlane;
using Xunit;

namespace ActorDns.Host.Tests.ControlPlane;

/// <summary>
/// The downing provider's settings (decision 0033), read as Akka reads them when a cluster node starts: a tick later
/// than unreachable-after is taken for a pause, so probes must come at least twice within it. Their fingerprint
/// (C-23, decision 0044).
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

    private static readonly Config Production = ConfigurationFactory.ParseString(ControlPlaneHosting.Downing);

    [Fact]
    public void FingerprintRole_SameSettingsWrittenOtherwise_SameRole()
    {
        var role = MajorityDowning.FingerprintRole(Production);

        Assert.True(MajorityDowning.IsFingerprintRole(role));
        Assert.Equal(role, MajorityDowning.FingerprintRole(ConfigurationFactory.ParseString("akka.cluster.down-removal-margin = 0.5s").WithFallback(Production)));
    }

    [Theory]
    [InlineData("actordns.downing.stable-after = 5s")]
    [InlineData("actordns.downing.unreachable-after = 4s")]
    [InlineData("actordns.downing.probe-interval = 1s")]
    [InlineData("actordns.downing.role = other")]
    [InlineData("akka.cluster.down-removal-margin = 1s")]
    public void FingerprintRole_OneSettingDiffers_AnotherRole(string change)
    {
        Assert.NotEqual(
            MajorityDowning.FingerprintRole(Production),
            MajorityDowning.FingerprintRole(ConfigurationFactory.ParseString(change).WithFallback(Production)));
    }

    [Fact]
    public void DowningActorProps_FingerprintRoleNotThatOfTheSettings_ConfigurationException()
    {
        using var node = ActorSystem.Create("downing-settings", ConfigurationFactory.ParseString("""
            akka.actor.provider = cluster
            akka.remote.dot-netty.tcp { hostname = 127.0.0.1, port = 0 }
            akka.loglevel = WARNING
            akka.cluster.roles = [control-plane, downing-000000000000]
            """).WithFallback(Production));

        var error = Assert.Throws<ConfigurationException>(() => new MajorityDowning(node, Cluster.Get(node)).DowningActorProps);

        Assert.Contains("downing-000000000000", error.Message);
    }
}
