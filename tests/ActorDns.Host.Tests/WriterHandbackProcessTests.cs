using System.Net;
using ActorDns.Host.Tests.Support;
using ActorDns.Testing;
using Xunit;

namespace ActorDns.Host.Tests;

/// <summary>
/// A mesh written by node A, then by node B, then by A again — as when a paused node resumes and takes a write back
/// before it learns it was downed (the nemesis of issue 15). Akka.Persistence.Sql stores one writer id per journal,
/// that is per node, not per writer: Akka's replay filter took A's later events for an old writer's and dropped them on
/// recovery, losing acknowledged changes. Two standalone nodes share one journal here, each the writer of its own
/// <c>default</c> mesh; after the handback a fresh recovery must show every acknowledged registration.
/// </summary>
[Collection(ProcessClusters.Name)]
public sealed class WriterHandbackProcessTests
{
    [Fact]
    public Task Sqlite_WritesHandedBackToAnEarlierNode_AllRecovered() => RunAsync(dataDir => $"sqlite:{Path.Combine(dataDir, "journal.db")}");

    [SkippableFact]
    public async Task Postgres_WritesHandedBackToAnEarlierNode_AllRecovered()
    {
        await using var schema = await TestPostgresSchema.CreateAsync("handback");
        await RunAsync(_ => schema.Journal);
    }

    private static async Task RunAsync(Func<string, string> journal)
    {
        var shared = Directory.CreateTempSubdirectory("actordns-handback-").FullName;
        var a = Node.Start(Path.Combine(shared, "a"), journal(shared));
        Node? b = null;
        try
        {
            await a.Process.WaitReadyAsync(a.Api);
            Assert.Equal(HttpStatusCode.Created, await Register(a, "a-1"));

            // B's writer recovers A's events and writes its own after them.
            b = Node.Start(Path.Combine(shared, "b"), journal(shared));
            await b.Process.WaitReadyAsync(b.Api);
            Assert.Equal(HttpStatusCode.Created, await Register(b, "b-1"));

            // A's writer is behind: its write collides with B's sequence numbers and fails; the writer recovers and
            // the retried write is stored after B's, by the same node (the same journal writer id) as the first.
            Assert.Equal(HttpStatusCode.ServiceUnavailable, await Register(a, "a-2"));
            await Eventually.ValueAsync(() => Register(a, "a-2"), status => status == HttpStatusCode.Created, TimeSpan.FromSeconds(30),
                "a-2 stored through A once its writer recovered", TimeSpan.FromMilliseconds(200));

            // A fresh recovery of the whole journal, by B.
            Assert.Equal(0, await b.Process.StopGracefullyAsync(TimeSpan.FromSeconds(30)));
            await b.Process.DisposeAsync();
            b = b.Restart();
            await b.Process.WaitReadyAsync(b.Api);
            using var client = new ApiTestClient(b.Api);
            var vips = (await client.VipsAsync("default")).ToDictionary(v => v.Key, v => v.Vip);
            Assert.All(new[] { "a-1", "b-1", "a-2" }, service => Assert.NotNull(vips.GetValueOrDefault($"service:{service}")));
        }
        finally
        {
            await a.Process.DisposeAsync();
            if (b is not null)
            {
                await b.Process.DisposeAsync();
            }

            Directory.Delete(shared, recursive: true);
        }
    }

    private static async Task<HttpStatusCode> Register(Node node, string service)
    {
        using var client = new ApiTestClient(node.Api);
        return await client.PutAsync($"meshes/default/dataplanes/dp-{service}", ApiTestClient.Dataplane("default", $"dp-{service}", service));
    }

    /// <summary>One standalone node: its own ports and data directory, the shared journal.</summary>
    private sealed record Node(ActorDnsProcess Process, IPEndPoint Api, string[] Args)
    {
        public static Node Start(string dataDir, string journal)
        {
            Directory.CreateDirectory(dataDir);
            var api = new IPEndPoint(IPAddress.Loopback, FreePort.Next());
            string[] args = ["--dns-address", $"127.0.0.1:{FreePort.Next()}=default", "--api-address", api.ToString(),
                "--upstream", "127.0.0.1:9", "--data-dir", dataDir, "--journal", journal];
            return new Node(ActorDnsProcess.Start(args), api, args);
        }

        public Node Restart() => this with { Process = ActorDnsProcess.Start(Args) };
    }
}
