using System.Diagnostics;
using System.Net;
using ActorDns.Host.Api;
using ActorDns.Host.Tests.Support;
using ActorDns.Testing;
using Npgsql;
using Xunit;
using Xunit.Abstractions;

namespace ActorDns.Host.Tests;

/// <summary>
/// A standalone node on PostgreSQL reached through a relay the test cuts (issue 15, C-09 and C-10): while the database
/// is stopped or hangs, a change is refused with 503, the VIPs are still read from memory and DNS still answers, the
/// process keeps running; once the database is back, changes succeed again without a restart and nothing
/// acknowledged before is lost. A slow database (C-11) makes changes slower, not wrong; a storm of changes on it is
/// bounded by the node's write limit.
/// </summary>
public sealed class JournalOutageProcessTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _dataDir = Directory.CreateTempSubdirectory("actordns-journal-outage-").FullName;

    public void Dispose() => Directory.Delete(_dataDir, recursive: true);

    [SkippableTheory]
    [InlineData("stopped")]
    [InlineData("hung")]
    public async Task DatabaseOut_ReadsAndDnsGoOn_WritesAre503_ThenSucceedWithoutARestart(string fault)
    {
        await using var node = await StartBehindARelayAsync("outage");
        var (relay, process, client, dns, kept) = node;
        Assert.Equal(kept, await Dig.ShortUntilAsync(dns, "kept.mesh", a => a == kept));

        if (fault == "stopped")
        {
            relay.Stop();
        }
        else
        {
            relay.Blackhole();
        }

        var refused = Stopwatch.StartNew();
        await AssertRefusedByTheJournalAsync(client);
        output.WriteLine($"database {fault}: the first write refused after {refused.ElapsedMilliseconds} ms");
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(kept, (await client.VipsAsync("default")).Single(v => v.Key == "service:kept").Vip);
            Assert.Equal(kept, await Dig.ShortAsync(dns, "kept.mesh"));

            // Refused by the host at once, or, while a restarted writer's recovery hangs, by the API's timeout.
            Assert.Equal(HttpStatusCode.ServiceUnavailable, await client.PutAsync("meshes/default/dataplanes/lost-1", ApiTestClient.Dataplane("default", "lost-1", "lost")));
        }

        relay.Resume();
        var back = Stopwatch.StartNew();
        await Eventually.ValueAsync(
            () => client.PutAsync("meshes/default/dataplanes/after-1", ApiTestClient.Dataplane("default", "after-1", "after")),
            s => s == HttpStatusCode.Created, TimeSpan.FromSeconds(30), "a write succeeds once the database is back", TimeSpan.FromMilliseconds(250));
        output.WriteLine($"database back: the first write stored after {back.ElapsedMilliseconds} ms");
        var vips = (await client.VipsAsync("default")).ToDictionary(v => v.Key, v => v.Vip);
        Assert.Equal(kept, vips["service:kept"]);
        Assert.DoesNotContain("service:lost", vips.Keys);
        Assert.False(process.HasExited, process.Output);
    }

    /// <summary>
    /// C-11: a database that answers every statement late (200 ms, 1 s, then 2 s more per reply) makes writes slower,
    /// never wrong. Each of five concurrent registrations is stored with a VIP of its own, or refused with 503 no sooner
    /// than the journal's 4 s call timeout; DNS answers throughout; once the database is quick again, every acknowledged
    /// registration is there and no VIP is shared.
    /// </summary>
    [SkippableFact]
    public async Task DatabaseSlow_WritesSlowerButCorrect_RefusedOnlyPastTheCallTimeout()
    {
        await using var node = await StartBehindARelayAsync("slow");
        var (relay, process, client, dns, kept) = node;

        var acknowledged = new List<string>();
        foreach (var delay in new[] { 200, 1000, 2000 })
        {
            relay.Delay(TimeSpan.FromMilliseconds(delay));
            var results = await Task.WhenAll(Enumerable.Range(0, 5).Select(async i =>
            {
                var service = $"slow-{delay}-{i}";
                var clock = Stopwatch.StartNew();
                var status = await client.PutAsync($"meshes/default/dataplanes/{service}", ApiTestClient.Dataplane("default", service, service));
                return (Service: service, Status: status, clock.Elapsed);
            }));
            output.WriteLine($"{delay} ms more per statement: " + string.Join(", ", results.Select(r => $"{(int)r.Status} in {r.Elapsed.TotalSeconds:F1} s")));
            foreach (var (service, status, elapsed) in results)
            {
                Assert.True(
                    status == HttpStatusCode.Created || (status == HttpStatusCode.ServiceUnavailable && elapsed >= TimeSpan.FromSeconds(3.9)),
                    $"{service}: {(int)status} after {elapsed.TotalSeconds:F1} s");
                if (status == HttpStatusCode.Created)
                {
                    acknowledged.Add(service);
                }
            }

            Assert.Equal(kept, await Dig.ShortAsync(dns, "kept.mesh"));
        }

        relay.Delay(TimeSpan.Zero);
        await Eventually.ValueAsync(
            () => client.PutAsync("meshes/default/dataplanes/after-1", ApiTestClient.Dataplane("default", "after-1", "after")),
            s => s == HttpStatusCode.Created, TimeSpan.FromSeconds(30), "a write succeeds once the database is quick again", TimeSpan.FromMilliseconds(250));
        var vips = (await client.VipsAsync("default")).ToDictionary(v => v.Key, v => v.Vip);
        Assert.NotEmpty(acknowledged);
        Assert.All(acknowledged, service => Assert.NotNull(vips[$"service:{service}"]));
        var given = vips.Values.OfType<string>().ToList();
        Assert.Equal(given.Count, given.Distinct().Count());
        Assert.False(process.HasExited, process.Output);
    }

    /// <summary>
    /// A PUT storm (issue 15): more concurrent registrations than a node takes (<see cref="ApiWriteLimit"/>) while the
    /// database answers every statement 200 ms late, so they pile up. Those beyond the limit are answered 503 with
    /// <c>Retry-After</c> and a body saying why, and counted; every one answered 201 is stored; the node keeps serving.
    /// </summary>
    [SkippableFact]
    public async Task PutStorm_BeyondTheWriteLimit_RefusedWith503_TakenOnesStored()
    {
        await using var node = await StartBehindARelayAsync("storm");
        node.Relay.Delay(TimeSpan.FromMilliseconds(200));
        var storm = ApiWriteLimit.InFlight + ApiWriteLimit.Queued + 500;
        using var http = new HttpClient { BaseAddress = new Uri($"http://{node.Api}/"), Timeout = TimeSpan.FromSeconds(60) };
        var results = await Task.WhenAll(Enumerable.Range(0, storm).Select(async i =>
        {
            var service = $"storm-{i}";
            using var response = await http.PutAsync($"meshes/default/dataplanes/{service}",
                new StringContent(ApiTestClient.Dataplane("default", service, service), System.Text.Encoding.UTF8, "application/json"));
            return (Service: service, response.StatusCode, RetryAfter: response.Headers.RetryAfter?.Delta, Body: await response.Content.ReadAsStringAsync());
        }));

        var limited = results.Where(r => r.StatusCode == HttpStatusCode.ServiceUnavailable && r.Body.Contains("changes in flight", StringComparison.Ordinal)).ToList();
        var stored = results.Where(r => r.StatusCode == HttpStatusCode.Created).Select(r => r.Service).ToList();
        output.WriteLine($"{storm} at once: {stored.Count} stored, {limited.Count} refused by the limit, " +
            string.Join(", ", results.GroupBy(r => (int)r.StatusCode).Select(g => $"{g.Count()} × {g.Key}")));
        Assert.NotEmpty(limited);
        Assert.NotEmpty(stored);
        Assert.All(limited, r => Assert.Equal(TimeSpan.FromSeconds(1), r.RetryAfter));

        // Anything else is the API's own timeout on a write the slow journal did not finish in 5 s.
        Assert.All(results.Where(r => r.StatusCode != HttpStatusCode.Created && !limited.Contains(r)), r =>
            Assert.Contains("did not answer in time", r.Body, StringComparison.Ordinal));
        var metrics = await http.GetStringAsync("metrics");
        Assert.Contains($"actordns_api_writes_refused_total {limited.Count}", metrics, StringComparison.Ordinal);

        node.Relay.Delay(TimeSpan.Zero);
        Assert.Equal(node.Kept, await Dig.ShortAsync(node.Dns, "kept.mesh"));
        await Eventually.ValueAsync(
            () => node.Client.PutAsync("meshes/default/dataplanes/after-1", ApiTestClient.Dataplane("default", "after-1", "after")),
            s => s == HttpStatusCode.Created, TimeSpan.FromSeconds(30), "a write succeeds after the storm", TimeSpan.FromMilliseconds(250));
        var vips = (await node.Client.VipsAsync("default")).ToDictionary(v => v.Key, v => v.Vip);
        Assert.All(stored, service => Assert.NotNull(vips[$"service:{service}"]));
        Assert.False(node.Process.HasExited, node.Process.Output);
    }

    /// <summary>
    /// A standalone node whose PostgreSQL journal is reached through a relay the test can stop, blackhole or slow, with
    /// one registration (<c>kept</c>) stored and its VIP read.
    /// </summary>
    private async Task<RelayedNode> StartBehindARelayAsync(string schemaName)
    {
        var schema = await TestPostgresSchema.CreateAsync(schemaName);
        var server = new NpgsqlConnectionStringBuilder(schema.Journal["postgres:".Length..]);
        var relay = new TcpProxy(new IPEndPoint(IPAddress.Loopback, server.Port));
        server.Host = relay.Endpoint.Address.ToString();
        server.Port = relay.Endpoint.Port;
        var api = new IPEndPoint(IPAddress.Loopback, FreePort.Next());
        var dns = new IPEndPoint(IPAddress.Loopback, FreePort.Next());
        ActorDnsProcess process;
        try
        {
            process = ActorDnsProcess.Start("--dns-address", $"{dns}=default", "--api-address", api.ToString(), "--upstream", "127.0.0.1:9",
                "--data-dir", _dataDir, "--journal", $"postgres:{server.ConnectionString}");
        }
        catch
        {
            await relay.DisposeAsync();
            await schema.DisposeAsync();
            throw;
        }

        var node = new RelayedNode(schema, relay, process, new ApiTestClient(api), api, dns);
        var client = node.Client;
        try
        {
            await process.WaitReadyAsync(api, TimeSpan.FromSeconds(40));
            await Eventually.ValueAsync(
                () => client.PutAsync("meshes/default/dataplanes/kept-1", ApiTestClient.Dataplane("default", "kept-1", "kept")),
                s => s == HttpStatusCode.Created, TimeSpan.FromSeconds(30), "the first write stored", TimeSpan.FromMilliseconds(500));
            node.Kept = (await client.VipsAsync("default")).Single(v => v.Key == "service:kept").Vip!;
            return node;
        }
        catch
        {
            await node.DisposeAsync();
            throw;
        }
    }

    private sealed class RelayedNode(TestPostgresSchema schema, TcpProxy relay, ActorDnsProcess process, ApiTestClient client, IPEndPoint api, IPEndPoint dns)
        : IAsyncDisposable
    {
        public TcpProxy Relay => relay;

        public ActorDnsProcess Process => process;

        public ApiTestClient Client => client;

        public IPEndPoint Api => api;

        public IPEndPoint Dns => dns;

        /// <summary>The VIP of the service <c>kept</c>, stored before any fault.</summary>
        public string Kept { get; set; } = "";

        public void Deconstruct(out TcpProxy r, out ActorDnsProcess p, out ApiTestClient c, out IPEndPoint d, out string k) =>
            (r, p, c, d, k) = (relay, process, client, dns, Kept);

        public async ValueTask DisposeAsync()
        {
            client.Dispose();
            await process.DisposeAsync();
            await relay.DisposeAsync();
            await schema.DisposeAsync();
        }
    }

    /// <summary>A 503 that names the journal, not the API's own timeout ("did not answer in time").</summary>
    private static async Task AssertRefusedByTheJournalAsync(ApiTestClient client)
    {
        var (status, body) = await client.PutForBodyAsync("meshes/default/dataplanes/lost-1", ApiTestClient.Dataplane("default", "lost-1", "lost"));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
        Assert.Contains("journal", body!["details"]!.GetValue<string>(), StringComparison.Ordinal);
    }
}
