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

    /// <summary>An in-process member whose downing settings differ from ActorDns's, the first of its own cluster.</summary>
    private static ActorSystem OldestMemberThatDiffers()
    {
        var member = DowningMember.Start("actordns", "resolver", "actordns.downing.stable-after = 2s");
        var cluster = Cluster.Get(member);
        cluster.Join(cluster.SelfAddress);
        return member;
    }

    /// <summary>The node under test: <paramref name="args"/> and its remoting, API and data directory.</summary>
    private ActorDnsProcess StartNode(params string[] args) => _node = ActorDnsProcess.Start(
        [.. args, "--remoting", $"127.0.0.1:{_remoting}", "--api-address", _api.ToString(), "--data-dir", _dataDir]);

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
        var node = StartNode("standalone", "--dns-address", $"127.0.0.1:{FreePort.Next()}=default", "--upstream", $"127.0.0.1:{FreePort.Next()}");
        await node.WaitReadyAsync(_api);
        using var unmarked = DowningMember.Start("actordns", "resolver", marked: false);

        Cluster.Get(unmarked).Join(Address.Parse($"akka.tcp://actordns@127.0.0.1:{_remoting}"));
        await unmarked.WhenTerminated.WaitAsync(Within);

        Assert.IsType<CoordinatedShutdown.ClusterDowningReason>(CoordinatedShutdown.Get(unmarked).ShutdownReason);
        Assert.Contains("joined with no downing fingerprint", node.Output, StringComparison.Ordinal);
        using var http = new HttpClient { BaseAddress = new Uri($"http://{_api}") };
        Assert.True((await http.GetAsync("/health/ready")).IsSuccessStatusCode);
        Assert.False(node.HasExited);
    }

    [Fact]
    public async Task Join_OlderMemberDecidesDowningDifferently_TheNodeLeavesAndExitsWith4()
    {
        using var older = OldestMemberThatDiffers();

        var node = StartNode("control-plane", "--seed-node", Cluster.Get(older).SelfAddress.ToString());

        Assert.Equal(ActorDnsCli.IncompatibleDowningExitCode, await node.WaitForExitAsync(Within));
        Assert.Contains("decides downing differently", node.Output, StringComparison.Ordinal);
        Assert.Contains("actordns: left the cluster: its oldest member decides downing differently", node.StandardError, StringComparison.Ordinal);
        Assert.False(older.WhenTerminated.IsCompleted);
    }

    [Fact]
    public async Task Join_ResolverMeetsOlderMemberThatDiffers_LeavesTriesAgainAndKeepsRunning()
    {
        using var older = OldestMemberThatDiffers();

        var node = StartNode(
            "resolver", "--seed-node", Cluster.Get(older).SelfAddress.ToString(),
            "--dns-address", $"127.0.0.1:{FreePort.Next()}=default", "--upstream", $"127.0.0.1:{FreePort.Next()}");

        await Eventually.TrueAsync(
            () => Task.FromResult(node.Output.Split("decides downing differently").Length > 2),
            Within,
            "the resolver left twice, trying again in between");
        Assert.False(node.HasExited);
        using var http = new HttpClient { BaseAddress = new Uri($"http://{_api}") };
        Assert.True((await http.GetAsync("/health/live")).IsSuccessStatusCode);
    }
}
