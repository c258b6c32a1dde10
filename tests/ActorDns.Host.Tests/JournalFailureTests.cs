using System.Net;
using ActorDns.Host.Tests.Support;
using ActorDns.Testing;
using Xunit;

namespace ActorDns.Host.Tests;

/// <summary>
/// docs/api.md: "a journal failure is 503 and changes nothing". The journal table of a running standalone on
/// PostgreSQL is renamed away: a PUT is refused with 503 and, once the table is back, the refused resource does
/// not exist, earlier VIPs are unchanged, and writes succeed again without a restart.
/// </summary>
public sealed class JournalFailureTests
{
    [SkippableFact]
    public async Task JournalWriteFails_PutIs503_AndNothingChanges()
    {
        await using var schema = await TestPostgresSchema.CreateAsync("journalfail");
        var api = new IPEndPoint(IPAddress.Loopback, FreePort.Next());
        var dataDir = Directory.CreateTempSubdirectory("actordns-journalfail-").FullName;
        await using var process = ActorDnsProcess.Start("--dns-address", $"127.0.0.1:{FreePort.Next()}=default", "--api-address", api.ToString(),
            "--upstream", "127.0.0.1:9", "--data-dir", dataDir, "--journal", schema.Journal);
        try
        {
            await process.WaitReadyAsync(api);
            using var client = new ApiTestClient(api);
            // The first write on a new schema creates the journal's tables; on a loaded machine it may outlast the API's 5 s.
            await Eventually.ValueAsync(
                () => client.PutAsync("meshes/default/dataplanes/kept-1", ApiTestClient.Dataplane("default", "kept-1", "kept")),
                s => s is HttpStatusCode.Created or HttpStatusCode.OK, TimeSpan.FromSeconds(30), "the first write stored", TimeSpan.FromMilliseconds(500));
            var kept = (await client.VipsAsync("default")).Single(v => v.Key == "service:kept").Vip;

            await schema.ExecuteAsync($"ALTER TABLE {schema.Name}.journal RENAME TO journal_away");
            var (status, body) = await client.PutForBodyAsync("meshes/default/dataplanes/lost-1", ApiTestClient.Dataplane("default", "lost-1", "lost"));
            await schema.ExecuteAsync($"ALTER TABLE {schema.Name}.journal_away RENAME TO journal");

            Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
            Assert.NotNull(body!["title"]);
            await Eventually.ValueAsync(
                () => client.PutAsync("meshes/default/dataplanes/after-1", ApiTestClient.Dataplane("default", "after-1", "after")),
                s => s == HttpStatusCode.Created, TimeSpan.FromSeconds(30), "a write succeeds again once the journal is back", TimeSpan.FromMilliseconds(500));
            var vips = (await client.VipsAsync("default")).ToDictionary(v => v.Key, v => v.Vip);
            Assert.Equal(kept, vips["service:kept"]);
            Assert.DoesNotContain("service:lost", vips.Keys);
            Assert.Equal(HttpStatusCode.NotFound, await client.GetStatusAsync("meshes/default/dataplanes/lost-1"));
        }
        finally
        {
            await process.DisposeAsync();
            Directory.Delete(dataDir, recursive: true);
        }
    }
}
