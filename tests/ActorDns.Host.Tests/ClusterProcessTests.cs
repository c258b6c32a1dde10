using System.Diagnostics;
using System.Net;
using ActorDns.Host.Tests.Support;
using ActorDns.Testing;
using Xunit;
using Xunit.Abstractions;

namespace ActorDns.Host.Tests;

/// <summary>
/// A control-plane node and two resolver nodes as real processes on loopback: a registration reaches both
/// resolvers, a deletion leaves both; with the control plane dead they keep answering, also after
/// split-brain resolution has downed them; a resolver restarted meanwhile answers from its disk cache, and
/// both follow the control plane again when it is back (SPEC §4.5).
/// </summary>
[Collection(ProcessClusters.Name)]
public sealed class ClusterProcessTests(ITestOutputHelper output) : IAsyncLifetime
{
    private readonly string _root = Directory.CreateTempSubdirectory("actordns-cluster-").FullName;
    private readonly IPEndPoint _api = new(IPAddress.Loopback, FreePort.Next());
    private readonly int _remoting = FreePort.Next();
    private readonly List<(IPEndPoint Dns, IPEndPoint Api, string DataDir)> _resolvers = [];
    private readonly List<ActorDnsProcess?> _resolverProcesses = [null, null];
    private ActorDnsProcess? _controlPlane;

    private string Seed => $"akka.tcp://actordns@127.0.0.1:{_remoting}";

    public async Task InitializeAsync()
    {
        for (var i = 0; i < 2; i++)
        {
            _resolvers.Add((new IPEndPoint(IPAddress.Loopback, FreePort.Next()), new IPEndPoint(IPAddress.Loopback, FreePort.Next()),
                Directory.CreateDirectory(Path.Combine(_root, $"resolver-{i}")).FullName));
        }

        await StartControlPlaneAsync();
        await Task.WhenAll(StartResolverAsync(0), StartResolverAsync(1));
    }

    private async Task StartControlPlaneAsync()
    {
        _controlPlane = ActorDnsProcess.Start("control-plane", "--remoting", $"127.0.0.1:{_remoting}", "--seed-node", Seed,
            "--api-address", _api.ToString(), "--data-dir", Path.Combine(_root, "control-plane"));
        await _controlPlane.WaitReadyAsync(_api, TimeSpan.FromSeconds(40));
    }

    private async Task StartResolverAsync(int index)
    {
        var (dns, api, dataDir) = _resolvers[index];
        var process = ActorDnsProcess.Start("resolver", "--remoting", "127.0.0.1:0", "--seed-node", Seed, "--api-address", api.ToString(),
            "--dns-address", $"{dns}=default", "--upstream", "127.0.0.1:9", "--data-dir", dataDir);
        _resolverProcesses[index] = process;
        await process.WaitReadyAsync(api, TimeSpan.FromSeconds(40));
    }

    /// <summary>The admin token the control plane wrote at its first start (its data directory outlives its restarts).</summary>
    private string Token => ClusterCredentials.AdminToken(Path.Combine(_root, "control-plane"));

    private static bool IsAddress(string answer) => IPAddress.TryParse(answer, out _);

    private Task<string> AnswerAsync(int resolver, string name, Func<string, bool> until) =>
        Dig.ShortUntilAsync(_resolvers[resolver].Dns, name, until, timeout: TimeSpan.FromSeconds(20));

    [SkippableFact]
    public async Task Resolvers_FollowTheControlPlaneAndSurviveItsOutage()
    {
        using (var api = new ApiTestClient(_api, Token))
        {
            Assert.Equal(HttpStatusCode.Created, await api.PutAsync("meshes/default/dataplanes/backend-1", ApiTestClient.Dataplane("default", "backend-1", "backend")));
            Assert.Equal(HttpStatusCode.Created, await api.PutAsync("meshes/default/dataplanes/gone-1", ApiTestClient.Dataplane("default", "gone-1", "gone")));
            var vip = (await api.VipsAsync("default")).Single(v => v.Key == "service:backend").Vip;
            Assert.Equal(vip, await AnswerAsync(0, "backend.mesh", IsAddress));
            Assert.Equal(vip, await AnswerAsync(1, "backend.mesh", IsAddress));
            Assert.True(IsAddress(await AnswerAsync(1, "gone.mesh", IsAddress)));

            Assert.Equal(HttpStatusCode.OK, await api.DeleteAsync("meshes/default/dataplanes/gone-1"));
            Assert.Equal("", await AnswerAsync(0, "gone.mesh", a => a.Length == 0));
            Assert.Equal("", await AnswerAsync(1, "gone.mesh", a => a.Length == 0));

            // Both resolvers serve changes they received as deltas (their subscriptions may spread after the first ones).
            await DeltaPropagation.AwaitAsync(_api, Token, [.. _resolvers.Select(r => (r.Dns, r.Api))], TimeSpan.FromSeconds(60));

            // The resolver's view of the cluster and of its table (SPEC §6). Membership reaches it by gossip, which may
            // trail the DNS answers by a round.
            using var http = new HttpClient();
            var metrics = await Eventually.ValueAsync(
                () => http.GetStringAsync($"http://{_resolvers[0].Api}/metrics"),
                m => m.Contains("actordns_cluster_members{role=\"resolver\",status=\"up\"} 2\n", StringComparison.Ordinal),
                TimeSpan.FromSeconds(10), "resolver 0 sees both resolvers up", TimeSpan.FromMilliseconds(200));
            Assert.Contains("actordns_cluster_members{role=\"control-plane\",status=\"up\"} 1\n", metrics, StringComparison.Ordinal);
            Assert.Contains("actordns_cluster_members{role=\"resolver\",status=\"up\"} 2\n", metrics, StringComparison.Ordinal);
            Assert.Contains("actordns_resolver_table_entries{mesh=\"default\"} 1\n", metrics, StringComparison.Ordinal);
        }

        var known = await AnswerAsync(0, "backend.mesh", IsAddress);
        await _controlPlane!.KillAsync();
        Assert.Equal(known, await AnswerAsync(0, "backend.mesh", IsAddress));
        Assert.Equal(known, await AnswerAsync(1, "backend.mesh", IsAddress));

        // Failure detection and split-brain resolution's stable-after (1.5 s) down the resolvers; a downed one keeps answering.
        await Eventually.TrueAsync(
            () => Task.FromResult(_resolverProcesses[1]!.Output.Contains("Cluster membership ended", StringComparison.Ordinal)),
            TimeSpan.FromSeconds(40), "resolver 1 downed by split-brain resolution");
        Assert.Equal(known, await Dig.ShortAsync(_resolvers[1].Dns, "backend.mesh"));

        // Restarted while no control plane is reachable: the disk cache answers at once.
        Assert.Equal(0, await _resolverProcesses[0]!.StopGracefullyAsync(TimeSpan.FromSeconds(30)));
        await _resolverProcesses[0]!.DisposeAsync();
        await StartResolverAsync(0);
        Assert.Equal(known, await Dig.ShortAsync(_resolvers[0].Dns, "backend.mesh"));

        await _controlPlane.DisposeAsync();
        await StartControlPlaneAsync();
        var back = Stopwatch.StartNew();
        using (var api = new ApiTestClient(_api, Token))
        {
            Assert.Equal(HttpStatusCode.Created, await api.PutAsync("meshes/default/dataplanes/late-1", ApiTestClient.Dataplane("default", "late-1", "late")));
        }

        // The restarted resolver was still trying its seed and joins; the downed one joined again as a new incarnation.
        var late = await AnswerAsync(0, "late.mesh", IsAddress);
        Assert.True(IsAddress(late));
        Assert.Equal(late, await AnswerAsync(1, "late.mesh", IsAddress));
        output.WriteLine($"both resolvers answered a registration {back.Elapsed.TotalSeconds:F1} s after the control plane was back (ready)");
        Assert.Equal(known, await AnswerAsync(1, "backend.mesh", IsAddress));
        Assert.Contains("Cluster membership ended", _resolverProcesses[1]!.Output, StringComparison.Ordinal);
    }

    public async Task DisposeAsync()
    {
        foreach (var process in _resolverProcesses)
        {
            if (process is not null)
            {
                await process.DisposeAsync();
            }
        }

        if (_controlPlane is not null)
        {
            await _controlPlane.DisposeAsync();
        }

        Directory.Delete(_root, recursive: true);
    }
}
