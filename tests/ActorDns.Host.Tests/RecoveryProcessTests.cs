using System.Net;
using ActorDns.Host.Tests.Support;
using Xunit;
using Xunit.Abstractions;

namespace ActorDns.Host.Tests;

/// <summary>
/// 10,000 services across 10 meshes, then a graceful stop and a kill -9, each followed by a restart: the
/// <c>/vips</c> of every mesh is identical. Runs on a SQLite file and on PostgreSQL (started by ./test.sh,
/// connection string in ACTORDNS_TEST_POSTGRES; each run gets its own schema).
/// </summary>
[Collection(ProcessClusters.Name)]
public sealed class RecoveryProcessTests(ITestOutputHelper output)
{
    private const int Meshes = 10;
    private const int ServicesPerMesh = 1000;

    [Fact]
    public Task Sqlite_GracefulStopAndKill_VipsIdentical() => RunAsync(dataDir => $"sqlite:{Path.Combine(dataDir, "journal.db")}");

    [SkippableFact]
    public async Task Postgres_GracefulStopAndKill_VipsIdentical()
    {
        await using var schema = await TestPostgresSchema.CreateAsync("recovery");
        await RunAsync(_ => schema.Journal);
    }

    private async Task RunAsync(Func<string, string> journal)
    {
        var dataDir = Directory.CreateTempSubdirectory("actordns-recovery-").FullName;
        var api = new IPEndPoint(IPAddress.Loopback, ActorDnsProcess.FreePort());
        var dns = new IPEndPoint(IPAddress.Loopback, ActorDnsProcess.FreePort());
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
            Assert.Equal(before, await SnapshotAsync(client, meshes), new SnapshotComparer());

            await process.KillAsync();
            await process.DisposeAsync();
            process = ActorDnsProcess.Start(args);
            await process.WaitReadyAsync(api);
            Assert.Equal(before, await SnapshotAsync(client, meshes), new SnapshotComparer());
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
