using System.Diagnostics;
using System.Net;
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
/// acknowledged before is lost.
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
        await using var schema = await TestPostgresSchema.CreateAsync("outage");
        var server = new NpgsqlConnectionStringBuilder(schema.Journal["postgres:".Length..]);
        await using var relay = new TcpProxy(new IPEndPoint(IPAddress.Loopback, server.Port));
        server.Host = relay.Endpoint.Address.ToString();
        server.Port = relay.Endpoint.Port;
        var api = new IPEndPoint(IPAddress.Loopback, FreePort.Next());
        var dns = new IPEndPoint(IPAddress.Loopback, FreePort.Next());
        await using var process = ActorDnsProcess.Start("--dns-address", $"{dns}=default", "--api-address", api.ToString(), "--upstream", "127.0.0.1:9",
            "--data-dir", _dataDir, "--journal", $"postgres:{server.ConnectionString}");
        await process.WaitReadyAsync(api, TimeSpan.FromSeconds(40));
        using var client = new ApiTestClient(api);
        await Eventually.ValueAsync(
            () => client.PutAsync("meshes/default/dataplanes/kept-1", ApiTestClient.Dataplane("default", "kept-1", "kept")),
            s => s == HttpStatusCode.Created, TimeSpan.FromSeconds(30), "the first write stored", TimeSpan.FromMilliseconds(500));
        var kept = (await client.VipsAsync("default")).Single(v => v.Key == "service:kept").Vip;
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

    /// <summary>A 503 that names the journal, not the API's own timeout ("did not answer in time").</summary>
    private static async Task AssertRefusedByTheJournalAsync(ApiTestClient client)
    {
        var (status, body) = await client.PutForBodyAsync("meshes/default/dataplanes/lost-1", ApiTestClient.Dataplane("default", "lost-1", "lost"));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
        Assert.Contains("journal", body!["details"]!.GetValue<string>(), StringComparison.Ordinal);
    }
}
