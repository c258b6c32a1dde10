using System.Collections.Concurrent;
using System.Net;
using System.Text.RegularExpressions;
using ActorDns.Host.Tests.Support;
using ActorDns.Testing;
using Xunit;
using Xunit.Abstractions;

namespace ActorDns.Host.Tests;

/// <summary>
/// 10,000 services across 10 meshes, then a graceful stop and a restart: ready only once every mesh has recovered,
/// and the <c>/vips</c> of every mesh is identical; then a kill -9 while clients keep registering and a restart: every acknowledged registration has a
/// VIP, every earlier VIP is unchanged and none is shared. Runs on a SQLite file and on PostgreSQL (started by ./test.sh,
/// connection string in ACTORDNS_TEST_POSTGRES; each run gets its own schema).
/// </summary>
[Collection(ProcessClusters.Name)]
public sealed class RecoveryProcessTests(ITestOutputHelper output)
{
    private const int Meshes = 10;
    private const int ServicesPerMesh = 1000;

    [Fact]
    public Task Sqlite_GracefulStopAndKillUnderWrites_LoseNothingAcknowledged() => RunAsync(dataDir => $"sqlite:{Path.Combine(dataDir, "journal.db")}");

    [SkippableFact]
    public async Task Postgres_GracefulStopAndKillUnderWrites_LoseNothingAcknowledged()
    {
        await using var schema = await TestPostgresSchema.CreateAsync("recovery");
        await RunAsync(_ => schema.Journal);
    }

    private async Task RunAsync(Func<string, string> journal)
    {
        var dataDir = Directory.CreateTempSubdirectory("actordns-recovery-").FullName;
        var api = new IPEndPoint(IPAddress.Loopback, FreePort.Next());
        var dns = new IPEndPoint(IPAddress.Loopback, FreePort.Next());
        string[] args = ["--dns-address", $"{dns}=default", "--api-address", api.ToString(), "--upstream", "127.0.0.1:9",
            "--data-dir", dataDir, "--journal", journal(dataDir)];
        var process = ActorDnsProcess.Start(args);
        try
        {
            await process.WaitReadyAsync(api);
            using var client = new ApiTestClient(api);
            var meshes = Enumerable.Range(0, Meshes).Select(i => $"m{i}").ToList();
            foreach (var mesh in meshes)
            {
                Assert.Equal(HttpStatusCode.Created, await client.PutAsync($"meshes/{mesh}", $$"""{"type":"Mesh","name":"{{mesh}}"}"""));
            }

            var started = DateTime.UtcNow;
            await Parallel.ForEachAsync(
                meshes.SelectMany(mesh => Enumerable.Range(0, ServicesPerMesh).Select(i => (mesh, i))),
                new ParallelOptions { MaxDegreeOfParallelism = 16 },
                async (item, _) =>
                {
                    var (mesh, i) = item;
                    var status = await client.PutAsync($"meshes/{mesh}/dataplanes/dp-{i}", ApiTestClient.Dataplane(mesh, $"dp-{i}", $"svc-{i}"));
                    Assert.Equal(HttpStatusCode.Created, status);
                });
            output.WriteLine($"registered {Meshes * ServicesPerMesh} services in {(DateTime.UtcNow - started).TotalSeconds:F1} s");
            var before = await SnapshotAsync(client, meshes);
            Assert.All(before.Values, vips => Assert.Equal(ServicesPerMesh, vips.Count(v => v.Vip is not null)));
            Assert.Equal(ServicesPerMesh, before.Values.First().Select(v => v.Vip).Distinct().Count());

            Assert.Equal(0, await process.StopGracefullyAsync(TimeSpan.FromSeconds(30)));
            await process.DisposeAsync();
            process = ActorDnsProcess.Start(args);
            await process.WaitReadyAsync(api);
            // Ready only once every mesh (the ten and "default") has recovered from the journal.
            // (The log line is written just before the gate opens; the console logger may print it a moment later.)
            await Eventually.TrueAsync(
                () => Task.FromResult(Regex.IsMatch(process.Output, @"Every mesh has recovered \(11 meshes, [\d.]+ s after start\): ready")),
                TimeSpan.FromSeconds(5), "the recovery gate's log line");
            Assert.Equal(before, await SnapshotAsync(client, meshes), new SnapshotComparer());

            // kill -9 while eight clients keep registering: requests are in flight when the process dies.
            var acknowledged = new ConcurrentQueue<(string Mesh, string Key)>();
            using var stopWriting = new CancellationTokenSource();
            var writers = Enumerable.Range(0, 8).Select(w => Task.Run(async () =>
            {
                for (var i = 0; !stopWriting.IsCancellationRequested; i++)
                {
                    var mesh = meshes[(w + i) % meshes.Count];
                    try
                    {
                        var status = await client.PutAsync($"meshes/{mesh}/dataplanes/late-{w}-{i}", ApiTestClient.Dataplane(mesh, $"late-{w}-{i}", $"late-{w}-{i}"));
                        Assert.Equal(HttpStatusCode.Created, status);
                        acknowledged.Enqueue((mesh, $"service:late-{w}-{i}"));
                    }
                    catch (HttpRequestException)
                    {
                        return; // the process died under this request or before it
                    }
                }
            })).ToList();
            await Eventually.TrueAsync(() => Task.FromResult(acknowledged.Count >= 200), TimeSpan.FromSeconds(60), "200 registrations acknowledged before the kill");
            await process.KillAsync();
            await stopWriting.CancelAsync();
            await Task.WhenAll(writers);
            await process.DisposeAsync();
            process = ActorDnsProcess.Start(args);
            await process.WaitReadyAsync(api);

            // Everything acknowledged survived, the VIPs given before are unchanged, and no VIP is shared in a mesh.
            var after = await SnapshotAsync(client, meshes);
            output.WriteLine($"killed with {acknowledged.Count} late registrations acknowledged");
            foreach (var mesh in meshes)
            {
                var vips = after[mesh].ToDictionary(v => v.Key, v => v.Vip);
                Assert.All(before[mesh], v => Assert.Equal(v.Vip, vips[v.Key]));
                Assert.All(acknowledged.Where(a => a.Mesh == mesh), a => Assert.NotNull(vips[a.Key]));
                var given = vips.Values.OfType<string>().ToList();
                Assert.Equal(given.Count, given.Distinct().Count());
            }
        }
        finally
        {
            await process.DisposeAsync();
            Directory.Delete(dataDir, recursive: true);
        }
    }

    private static async Task<Dictionary<string, List<(string Key, string? Vip)>>> SnapshotAsync(ApiTestClient client, List<string> meshes)
    {
        var result = new Dictionary<string, List<(string Key, string? Vip)>>();
        foreach (var mesh in meshes)
        {
            result[mesh] = await client.VipsAsync(mesh);
        }

        return result;
    }

    private sealed class SnapshotComparer : IEqualityComparer<Dictionary<string, List<(string Key, string? Vip)>>>
    {
        public bool Equals(Dictionary<string, List<(string Key, string? Vip)>>? x, Dictionary<string, List<(string Key, string? Vip)>>? y) =>
            x!.Count == y!.Count && x.All(p => y.TryGetValue(p.Key, out var other) && p.Value.SequenceEqual(other));

        public int GetHashCode(Dictionary<string, List<(string Key, string? Vip)>> obj) => obj.Count;
    }
}
