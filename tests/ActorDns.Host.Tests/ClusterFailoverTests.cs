using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;
using ActorDns.Host.Tests.Support;
using ActorDns.Testing;
using DnsClient;
using Xunit;
using Xunit.Abstractions;

namespace ActorDns.Host.Tests;

/// <summary>
/// The cluster of the design card as real processes: three control-plane nodes on one PostgreSQL journal and
/// two resolvers. A registration through one node reaches both resolvers and a deletion through another
/// leaves both; then the node that owns the mesh is killed (kill -9) while a client keeps registering. Every
/// VIP acknowledged before stays identical, no VIP is given twice, registrations succeed again within the
/// documented failover time, and both resolvers answer every name that existed, without one failure.
/// </summary>
[Collection(ProcessClusters.Name)]
public sealed class ClusterFailoverTests(ITestOutputHelper output) : IAsyncLifetime
{
    /// <summary>docs/cluster.md "Failover": under 10 s measured here (decision 0032); a busy CI machine gets twice that.</summary>
    private static readonly TimeSpan DocumentedFailover = TimeSpan.FromSeconds(20);

    private const int RegisteringClients = 4;

    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(2);

    private readonly string _root = Directory.CreateTempSubdirectory("actordns-failover-").FullName;
    private readonly List<(IPEndPoint Api, int Remoting)> _controlPlanes = [];
    private readonly List<ActorDnsProcess> _processes = [];
    private readonly List<IPEndPoint> _resolvers = [];
    private TestPostgresSchema? _schema;
    private string? _token;

    /// <summary>Starts the cluster on a schema of its own; skips the test when no PostgreSQL server is configured.</summary>
    private async Task StartClusterAsync()
    {
        _schema = await TestPostgresSchema.CreateAsync("failover");
        for (var i = 0; i < 3; i++)
        {
            _controlPlanes.Add((new IPEndPoint(IPAddress.Loopback, FreePort.Next()), FreePort.Next()));
        }

        string[] seeds = ["--seed-node", Seed(0), "--seed-node", Seed(1)];
        var signingKey = ClusterCredentials.WriteSigningKey(_root);
        var starting = new List<Task>();
        foreach (var (api, remoting) in _controlPlanes)
        {
            var process = ActorDnsProcess.Start(["control-plane", "--remoting", $"127.0.0.1:{remoting}", .. seeds, "--api-address", api.ToString(),
                "--journal", _schema.Journal, "--data-dir", Path.Combine(_root, $"cp-{remoting}"), "--api-token-signing-key", signingKey]);
            _processes.Add(process);
            starting.Add(process.WaitReadyAsync(api, TimeSpan.FromSeconds(60)));
        }

        for (var i = 0; i < 2; i++)
        {
            var dns = new IPEndPoint(IPAddress.Loopback, FreePort.Next());
            var api = new IPEndPoint(IPAddress.Loopback, FreePort.Next());
            var process = ActorDnsProcess.Start(["resolver", "--remoting", "127.0.0.1:0", .. seeds, "--api-address", api.ToString(),
                "--dns-address", $"{dns}=default", "--upstream", "127.0.0.1:9", "--data-dir", Path.Combine(_root, $"resolver-{i}")]);
            _processes.Add(process);
            _resolvers.Add(dns);
            starting.Add(process.WaitReadyAsync(api, TimeSpan.FromSeconds(60)));
        }

        await Task.WhenAll(starting);

        // One node's admin token is good on every node: they share the signing key.
        _token = ClusterCredentials.AdminToken(Path.Combine(_root, $"cp-{_controlPlanes[0].Remoting}"));
    }

    private string Seed(int node) => $"akka.tcp://actordns@127.0.0.1:{_controlPlanes[node].Remoting}";

    [SkippableFact]
    public async Task KillingTheMeshOwner_UnderRegistrations_KeepsVipsAndAnswers()
    {
        await StartClusterAsync();

        var dns = _resolvers.Select(r => new LookupClient(new LookupClientOptions(new NameServer(r)) { UseCache = false, Retries = 0, Timeout = TimeSpan.FromSeconds(2) })).ToList();
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(15) };
        http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", _token);

        // Register through one node, delete through another: both resolvers follow.
        using (var first = new ApiTestClient(_controlPlanes[0].Api, _token))
        using (var second = new ApiTestClient(_controlPlanes[1].Api, _token))
        {
            Assert.Equal(HttpStatusCode.Created, await first.PutAsync("meshes/default/dataplanes/gone-1", ApiTestClient.Dataplane("default", "gone-1", "gone")));
            var vip = (await second.VipsAsync("default")).Single(v => v.Key == "service:gone").Vip;
            foreach (var client in dns)
            {
                Assert.Equal(vip, await EventuallyAsync(() => AnswerAsync(client, "gone.mesh"), a => a == vip));
            }

            Assert.Equal(HttpStatusCode.OK, await second.DeleteAsync("meshes/default/dataplanes/gone-1"));
            foreach (var client in dns)
            {
                Assert.Null(await EventuallyAsync(() => AnswerAsync(client, "gone.mesh"), a => a is null));
            }
        }

        var owner = await MeshOwnerAsync(http, "default");
        var survivors = Enumerable.Range(0, 3).Where(i => i != owner).Select(i => _controlPlanes[i].Api).ToList();
        output.WriteLine($"mesh default is owned by control-plane node {owner}");

        // Clients keep registering new services through the nodes that will survive, retrying a failed PUT.
        var acked = new ConcurrentQueue<(string Service, TimeSpan SentAt, TimeSpan AckedAt)>();
        var refused = new ConcurrentQueue<HttpStatusCode>();
        var clock = Stopwatch.StartNew();
        using var stopRegistering = new CancellationTokenSource();
        var stop = stopRegistering.Token;
        // Four clients, each with one request at a time, each given up after 2 s: a request that a survivor sent to the
        // dead owner before it was removed is lost, and waiting for the API's 5 s 503 would measure that timeout rather
        // than the failover.
        var registering = Task.WhenAll(Enumerable.Range(0, RegisteringClients).Select(client => Task.Run(async () =>
        {
            for (var i = client; !stop.IsCancellationRequested; i += RegisteringClients)
            {
                var service = $"svc-{i}";
                for (var attempt = 0; !stop.IsCancellationRequested; attempt++)
                {
                    var api = survivors[(i + attempt) % survivors.Count];
                    using var body = new StringContent(ApiTestClient.Dataplane("default", $"dp-{i}", service), System.Text.Encoding.UTF8, "application/json");
                    var sentAt = clock.Elapsed;
                    try
                    {
                        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stop);
                        timeout.CancelAfter(RequestTimeout);
                        using var response = await http.PutAsync($"http://{api}/meshes/default/dataplanes/dp-{i}", body, timeout.Token);
                        if (response.IsSuccessStatusCode)
                        {
                            acked.Enqueue((service, sentAt, clock.Elapsed));
                            break;
                        }

                        refused.Enqueue(response.StatusCode);
                    }
                    catch (Exception e) when (e is HttpRequestException or OperationCanceledException)
                    {
                        // The owner died mid-request, or the request was lost with it and given up (the same PUT is retried: it is
                        // idempotent), or the test is over.
                    }

                    // Jittered, as real clients retry: clients refused at the same moment do not retry in step.
                    await Task.Delay(100 + Random.Shared.Next(1000), CancellationToken.None);
                }
            }
        })));

        await EventuallyAsync(() => Task.FromResult(acked.Count), n => n >= 20);
        using var survivor = new ApiTestClient(survivors[0], _token);
        var before = (await survivor.VipsAsync("default")).ToDictionary(v => v.Key, v => v.Vip!);

        // A change acknowledged in the last milliseconds before a crash may not have left the owner yet; the
        // resolvers then get it only after the failover. "Every existing name" is every name they had received.
        foreach (var (key, vip) in before)
        {
            foreach (var client in dns)
            {
                Assert.Equal(vip, await EventuallyAsync(() => AnswerAsync(client, key["service:".Length..] + ".mesh"), a => a == vip));
            }
        }

        await _processes[owner].KillAsync();
        var killedAt = clock.Elapsed;

        // Both resolvers answer every name that existed when the owner died, all through the failover.
        var checks = 0;
        var failures = new ConcurrentQueue<string>();
        var recovered = TimeSpan.MaxValue;
        while (clock.Elapsed < killedAt + DocumentedFailover)
        {
            foreach (var (key, vip) in before)
            {
                var name = key["service:".Length..] + ".mesh";
                for (var r = 0; r < dns.Count; r++)
                {
                    checks++;
                    var answer = await AnswerAsync(dns[r], name);
                    if (answer != vip)
                    {
                        failures.Enqueue($"resolver {r}: {name} answered {answer ?? "nothing"}, expected {vip}");
                    }
                }
            }

            // Leave the CPU to the failover itself between rounds.
            await Task.Delay(20);
            // Recovery is the first success of a request sent after the kill: one the owner answered just before
            // dying may arrive after it.
            var afterKill = acked.Where(a => a.SentAt > killedAt).Select(a => a.AckedAt).DefaultIfEmpty(TimeSpan.MaxValue).Min();
            if (afterKill != TimeSpan.MaxValue)
            {
                recovered = afterKill;
                if (clock.Elapsed > recovered + TimeSpan.FromSeconds(3))
                {
                    break;
                }
            }
        }

        await stopRegistering.CancelAsync();
        await registering;
        output.WriteLine($"registrations succeeded again {(recovered - killedAt).TotalSeconds:F1} s after kill -9; {acked.Count} acknowledged; {checks} DNS checks, {failures.Count} failed");
        Assert.True(recovered != TimeSpan.MaxValue, $"no registration succeeded within {DocumentedFailover.TotalSeconds} s of the kill");
        Assert.Empty(failures);
        // A PUT refused while the mesh has no owner gets the documented 503 (and is retried), never another error. With
        // requests given up after 2 s there may be none: the API answers 503 only after 5 s.
        Assert.All(refused, status => Assert.Equal(HttpStatusCode.ServiceUnavailable, status));

        // Every VIP acknowledged before the kill is unchanged, every acknowledged service has one, none is shared.
        var after = (await survivor.VipsAsync("default")).ToDictionary(v => v.Key, v => v.Vip);
        foreach (var (key, vip) in before)
        {
            Assert.Equal(vip, after[key]);
        }

        foreach (var (service, _, _) in acked)
        {
            Assert.NotNull(after[$"service:{service}"]);
        }

        var vips = after.Values.OfType<string>().ToList();
        Assert.Equal(vips.Count, vips.Distinct().Count());

        // A service registered after the failover reaches both resolvers.
        var last = acked.Last().Service;
        foreach (var client in dns)
        {
            Assert.Equal(after[$"service:{last}"], await EventuallyAsync(() => AnswerAsync(client, last + ".mesh"), a => a is not null));
        }
    }

    /// <summary>The control-plane node whose metrics show the mesh's DNS view: that node hosts the mesh entity.</summary>
    private async Task<int> MeshOwnerAsync(HttpClient http, string mesh)
    {
        var pattern = new Regex($"^actordns_zone_version\\{{mesh=\"{mesh}\"\\}}", RegexOptions.Multiline);
        for (var i = 0; i < _controlPlanes.Count; i++)
        {
            if (pattern.IsMatch(await http.GetStringAsync($"http://{_controlPlanes[i].Api}/metrics")))
            {
                return i;
            }
        }

        throw new InvalidOperationException($"no control-plane node hosts mesh {mesh}");
    }

    /// <summary>The first A record; a timeout is asked once more (two busy cores, five processes), a second one is a failure.</summary>
    private static async Task<string?> AnswerAsync(LookupClient client, string name)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                var response = await client.QueryAsync(name, QueryType.A);
                return response.Answers.ARecords().FirstOrDefault()?.Address.ToString();
            }
            catch (DnsResponseException e) when (attempt == 0 && e.Code == DnsResponseCode.ConnectionTimeout)
            {
                // Asked once more below.
            }
            catch (DnsResponseException e)
            {
                return $"error {e.Code}";
            }
        }
    }

    /// <summary>The first value that satisfies <paramref name="done"/>; fails the test after 20 s (the expression names what was awaited).</summary>
    private static Task<T> EventuallyAsync<T>(Func<Task<T>> probe, Func<T, bool> done, [CallerArgumentExpression(nameof(probe))] string what = "") =>
        Eventually.ValueAsync(probe, done, TimeSpan.FromSeconds(20), what, TimeSpan.FromMilliseconds(50));

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var process in _processes)
        {
            await process.DisposeAsync();
        }

        if (_schema is not null)
        {
            await _schema.DisposeAsync();
        }

        Directory.Delete(_root, recursive: true);
    }
}
