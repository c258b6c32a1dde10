using System.Diagnostics;
using System.Net;
using ActorDns.Host.Tests.Support;
using DnsClient;
using Xunit;
using Xunit.Abstractions;

namespace ActorDns.Host.Tests;

/// <summary>
/// The README's first command as a newcomer runs it: <c>actordns</c> with no flags at all (what
/// <c>dotnet run --project src/ActorDns.Host</c> starts) serves the API and DNS on the documented default
/// addresses, keeps its SQLite journal under <c>./data</c>, and answers a registered service. Only mesh names
/// are queried: the default upstreams are the machine's own resolvers, which no test may reach.
/// </summary>
[Collection(ProcessClusters.Name)]
public sealed class QuickStartTests(ITestOutputHelper output)
{
    private static readonly IPEndPoint DefaultApi = new(IPAddress.Loopback, 5681);
    private static readonly IPEndPoint DefaultDns = new(IPAddress.Loopback, 15053);

    [Fact]
    public async Task RunCommand_NoFlags_AnswersARegisteredServiceOnTheDefaultPorts()
    {
        var directory = Directory.CreateTempSubdirectory("actordns-quickstart-").FullName;
        try
        {
            var clock = Stopwatch.StartNew();
            await using var process = ActorDnsProcess.StartIn(directory);
            await process.WaitReadyAsync(DefaultApi, TimeSpan.FromSeconds(30));
            output.WriteLine($"ready {clock.Elapsed.TotalSeconds:F2} s after the start");

            using var api = new ApiTestClient(DefaultApi);
            Assert.Equal(HttpStatusCode.Created, await api.PutAsync("meshes/default/dataplanes/backend-1", ApiTestClient.Dataplane("default", "backend-1", "backend")));
            var vip = (await api.VipsAsync("default")).Single(v => v.Key == "service:backend").Vip;
            var dns = new LookupClient(new LookupClientOptions(new NameServer(DefaultDns)) { UseCache = false, Retries = 0, Timeout = TimeSpan.FromSeconds(2) });
            var answer = await dns.QueryAsync("backend.mesh", QueryType.A);

            Assert.Equal("240.0.0.1", vip);
            Assert.Equal([IPAddress.Parse(vip!)], answer.Answers.ARecords().Select(a => a.Address));
            Assert.True(File.Exists(Path.Combine(directory, "data", "actordns.db")), "no SQLite journal under ./data");
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
