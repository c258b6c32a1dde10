using System.Net;
using Akka.Actor;
using Akka.Cluster;
using ActorDns.Host.Cli;
using ActorDns.Host.Tests.Support;
using ActorDns.Testing;
using Xunit;

namespace ActorDns.Host.Tests;

/// <summary>
/// Real nodes carry their downing fingerprint and act on it (C-23, decision 0044): an older node downs a member that has
/// none, as a release before the check would join; a control-plane node whose cluster's oldest member differs leaves and
/// exits with 4, a resolver leaves and tries again.
/// </summary>
public sealed class DowningCompatibilityProcessTests : IAsyncLifetime
{
    private static readonly TimeSpan Within = TimeSpan.FromSeconds(60);

    private readonly string _dataDir = Directory.CreateTempSubdirectory("actordns-").FullName;
    private readonly IPEndPoint _api = new(IPAddress.Loopback, FreePort.Next());
    private readonly int _remoting = FreePort.Next();
    private ActorDnsProcess? _node;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        if (_node is not null)
        {
            await _node.DisposeAsync();
        }

        Directory.Delete(_dataDir, recursive: true);
    }

    [Fact]
    public async Task Join_MemberWithoutFingerprint_TheNodeDownsItAndServesOn()
    {
        _node = ActorDnsProcess.Start(
            "standalone", "--remoting", $"127.0.0.1:{_remoting}", "--dns-address", $"127.0.0.1:{FreePort.Next()}=default",
            "--api-address", _api.ToString(), "--upstream", $"127.0.0.1:{FreePort.Next()}", "--data-dir", _dataDir);
        await _node.WaitReadyAsync(_api);
        using var unmarked = DowningMember.Start("actordns", "resolver", marked: false);

        Cluster.Get(unmarked).Join(Address.Parse($"akka.tcp://actordns@127.0.0.1:{_remoting}"));
        await unmarked.WhenTerminated.WaitAsync(Within);

        Assert.IsType<CoordinatedShutdown.ClusterDowningReason>(CoordinatedShutdown.Get(unmarked).ShutdownReason);
        Assert.Contains("joined with no downing fingerprint", _node.Output, StringComparison.Ordinal);
        using var http = new HttpClient { BaseAddress = new Uri($"http://{_api}") };
        Assert.True((await http.GetAsync("/health/ready")).IsSuccessStatusCode);
        Assert.False(_node.HasExited);
    }

    [Fact]
    public async Task Join_OlderMemberDecidesDowningDifferently_TheNodeLeavesAndExitsWith4()
    {
        using var older = DowningMember.Start("actordns", "resolver", "actordns.downing.stable-after = 2s");
        var cluster = Cluster.Get(older);
        cluster.Join(cluster.SelfAddress);

        _node = ActorDnsProcess.Start(
            "control-plane", "--remoting", $"127.0.0.1:{_remoting}", "--seed-node", cluster.SelfAddress.ToString(),
            "--api-address", _api.ToString(), "--data-dir", _dataDir);

        Assert.Equal(ActorDnsCli.IncompatibleDowningExitCode, await _node.WaitForExitAsync(Within));
        Assert.Contains("decides downing differently", _node.Output, StringComparison.Ordinal);
        Assert.Contains("actordns: left the cluster: its oldest member decides downing differently", _node.StandardError, StringComparison.Ordinal);
        Assert.False(older.WhenTerminated.IsCompleted);
    }

    [Fact]
    public async Task Join_ResolverMeetsOlderMemberThatDiffers_LeavesTriesAgainAndKeepsRunning()
    {
        using var older = DowningMember.Start("actordns", "resolver", "actordns.downing.stable-after = 2s");
        var cluster = Cluster.Get(older);
        cluster.Join(cluster.SelfAddress);

        _node = ActorDnsProcess.Start(
            "resolver", "--remoting", $"127.0.0.1:{_remoting}", "--seed-node", cluster.SelfAddress.ToString(),
            "--dns-address", $"127.0.0.1:{FreePort.Next()}=default", "--upstream", $"127.0.0.1:{FreePort.Next()}",
            "--api-address", _api.ToString(), "--data-dir", _dataDir);

        await Eventually.TrueAsync(
            () => Task.FromResult(_node.Output.Split("decides downing differently").Length > 2),
            Within,
            "the resolver left twice, trying again in between");
        Assert.False(_node.HasExited);
        using var http = new HttpClient { BaseAddress = new Uri($"http://{_api}") };
        Assert.True((await http.GetAsync("/health/live")).IsSuccessStatusCode);
    }
}
