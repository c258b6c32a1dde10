using System.Net;
using ActorDns.Host.Tests.Support;
using ActorDns.Testing;
using Xunit;

namespace ActorDns.Host.Tests;

/// <summary>
/// The control plane's Corefile template as real processes (SPEC §4.6): set on a control-plane node with
/// <c>--bootstrap-corefile-template</c>, it reaches a resolver, follows a change of the file, and survives a restart of
/// the resolver while the control plane is down; a resolver with its own template keeps its own.
/// </summary>
[Collection(ProcessClusters.Name)]
public sealed class CorefileClusterTests : IAsyncLifetime
{
    private readonly string _root = Directory.CreateTempSubdirectory("actordns-corefile-cluster-").FullName;
    private readonly List<ActorDnsProcess> _processes = [];

    private static string Template(string address) =>
        $".:{{{{ .CoreDNSPort }}}} {{\n    template IN A example.org {{\n        answer \"probe.example.org. 60 IN A {address}\"\n    }}\n    forward . 127.0.0.1:{{{{ .EnvoyDNSPort }}}}\n}}\n";

    [SkippableFact]
    public async Task ControlPlaneTemplate_ReachesResolvers_FollowsTheFile_CachedAcrossARestart_OwnWins()
    {
        var bootstrap = Path.Combine(_root, "cp.Corefile");
        var own = Path.Combine(_root, "own.Corefile");
        await File.WriteAllTextAsync(bootstrap, Template("192.0.2.44"));
        await File.WriteAllTextAsync(own, Template("192.0.2.55"));
        var remoting = FreePort.Next();
        var seed = $"akka.tcp://actordns@127.0.0.1:{remoting}";
        var cpApi = new IPEndPoint(IPAddress.Loopback, FreePort.Next());
        var controlPlane = Start("control-plane", "--remoting", $"127.0.0.1:{remoting}", "--seed-node", seed, "--api-address", cpApi.ToString(),
            "--data-dir", Path.Combine(_root, "cp"), "--bootstrap-corefile-template", bootstrap);
        await controlPlane.WaitReadyAsync(cpApi, TimeSpan.FromSeconds(40));
        var (follower, followerDns, followerApi, followerArgs) = await StartResolverAsync(seed, "follower");
        var (_, ownerDns, _, _) = await StartResolverAsync(seed, "owner", "--corefile-template", own);

        Assert.Equal("192.0.2.44", await Dig.ShortUntilAsync(followerDns, "probe.example.org", a => a == "192.0.2.44", timeout: TimeSpan.FromSeconds(30)));
        Assert.Equal("192.0.2.55", await Dig.ShortAsync(ownerDns, "probe.example.org"));
        using var http = new HttpClient { BaseAddress = new Uri($"http://{followerApi}/") };
        Assert.Contains($"corefile-template: control-plane:{bootstrap} sha256:", await http.GetStringAsync("health/ready"), StringComparison.Ordinal);

        await File.WriteAllTextAsync(bootstrap, Template("192.0.2.66"));

        Assert.Equal("192.0.2.66", await Dig.ShortUntilAsync(followerDns, "probe.example.org", a => a == "192.0.2.66", timeout: TimeSpan.FromSeconds(30)));
        Assert.Equal("192.0.2.55", await Dig.ShortAsync(ownerDns, "probe.example.org"));

        // With the control plane gone, a restarted resolver runs the template it received last, from its data dir
        // (ready once it has a table: one registration gives it one to cache).
        using (var api = new ApiTestClient(cpApi, ClusterCredentials.AdminToken(Path.Combine(_root, "cp"))))
        {
            Assert.Equal(HttpStatusCode.Created, await api.PutAsync("meshes/default/dataplanes/backend-1", ApiTestClient.Dataplane("default", "backend-1", "backend")));
        }

        await Dig.ShortUntilAsync(followerDns, "backend.mesh", a => a.Length > 0, timeout: TimeSpan.FromSeconds(30));
        await controlPlane.KillAsync();
        await follower.StopGracefullyAsync(TimeSpan.FromSeconds(30));
        var restarted = Start(followerArgs);
        await restarted.WaitReadyAsync(followerApi, TimeSpan.FromSeconds(40));
        Assert.Equal("192.0.2.66", await Dig.ShortAsync(followerDns, "probe.example.org"));
    }

    private async Task<(ActorDnsProcess Process, IPEndPoint Dns, IPEndPoint Api, string[] Args)> StartResolverAsync(string seed, string name, params string[] extra)
    {
        var dns = new IPEndPoint(IPAddress.Loopback, FreePort.Next());
        var api = new IPEndPoint(IPAddress.Loopback, FreePort.Next());
        string[] args = ["resolver", "--remoting", "127.0.0.1:0", "--seed-node", seed, "--api-address", api.ToString(), "--dns-address", $"{dns}=default",
            "--upstream", "127.0.0.1:9", "--data-dir", Path.Combine(_root, name), .. extra];
        var process = Start(args);
        await process.WaitReadyAsync(api, TimeSpan.FromSeconds(40));
        return (process, dns, api, args);
    }

    private ActorDnsProcess Start(params string[] args)
    {
        var process = ActorDnsProcess.Start(args);
        _processes.Add(process);
        return process;
    }

    public Task InitializeAsync() => Task.CompletedTask;

    // IAsyncLifetime, not IAsyncDisposable: xUnit 2 disposes a test class through this one, so no node outlives the test.
    public async Task DisposeAsync()
    {
        foreach (var process in _processes)
        {
            await process.DisposeAsync();
        }

        Directory.Delete(_root, recursive: true);
    }
}
