using System.Diagnostics;
using System.Net;
using System.Text.RegularExpressions;
using ActorDns.Testing;
using DnsClient;
using Xunit;

namespace ActorDns.Host.Tests.Support;

/// <summary>
/// Waits until every resolver has served a change it received as a delta. A resolver learns a change either from
/// the delta the control plane publishes or, when its topic subscription has not yet spread to the publishing node
/// (DistributedPubSub gossip), from a whole-zone fetch, which records no propagation time. So a test that needs
/// <c>actordns_resolver_propagation_seconds</c> registers and removes a probe service until every resolver shows a
/// count; the mesh is left as it was. On failure the message holds each resolver's table metrics.
/// </summary>
public static partial class DeltaPropagation
{
    public static async Task AwaitAsync(IPEndPoint controlPlane, string token, IReadOnlyList<(IPEndPoint Dns, IPEndPoint Api)> resolvers, TimeSpan limit)
    {
        using var api = new ApiTestClient(controlPlane, token);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var clients = resolvers.Select(r => new LookupClient(new LookupClientOptions(new NameServer(r.Dns))
        {
            UseCache = false,
            Retries = 0,
            Timeout = TimeSpan.FromSeconds(2),
        })).ToList();
        var started = Stopwatch.StartNew();
        for (var round = 0; ; round++)
        {
            var name = $"delta-probe-{round}";
            Assert.Equal(HttpStatusCode.Created, await api.PutAsync($"meshes/default/dataplanes/{name}", ApiTestClient.Dataplane("default", name, name)));
            var vip = IPAddress.Parse((await api.VipsAsync("default")).Single(v => v.Key == $"service:{name}").Vip!);
            await AnsweredByAllAsync(clients, $"{name}.mesh", a => a.Contains(vip.ToString()), $"with {vip}");

            // Once removed, the name is not the mesh's: the upstream may answer it, but never with the VIP.
            Assert.Equal(HttpStatusCode.OK, await api.DeleteAsync($"meshes/default/dataplanes/{name}"));
            await AnsweredByAllAsync(clients, $"{name}.mesh", a => !a.Contains(vip.ToString()), $"without {vip}");

            var metrics = await Task.WhenAll(resolvers.Select(r => http.GetStringAsync($"http://{r.Api}/metrics")));
            if (metrics.All(m => PropagationCount().IsMatch(m)))
            {
                return;
            }

            if (started.Elapsed > limit)
            {
                var seen = resolvers.Zip(metrics, (r, m) => $"resolver {r.Api}: {string.Join(", ", TableMetric().Matches(m).Select(x => x.Value))}");
                Assert.Fail($"no delta reached every resolver in {round + 1} changes ({limit.TotalSeconds:0} s):\n{string.Join('\n', seen)}");
            }
        }
    }

    private static async Task AnsweredByAllAsync(List<LookupClient> clients, string name, Func<string[], bool> done, string what)
    {
        foreach (var client in clients)
        {
            await Eventually.ValueAsync(
                async () => string.Join(' ', (await client.QueryAsync(name, QueryType.A)).Answers.ARecords().Select(a => a.Address)),
                addresses => done(addresses.Split(' ')), TimeSpan.FromSeconds(20), $"{name} {what} from {client.NameServers.Single()}", TimeSpan.FromMilliseconds(100));
        }
    }

    [GeneratedRegex(@"^actordns_resolver_propagation_seconds_count\{mesh=""default""\} [1-9]", RegexOptions.Multiline)]
    private static partial Regex PropagationCount();

    [GeneratedRegex(@"^actordns_(resolver_(propagation_seconds_count|table_version|zone_fetches_total)\{mesh=""default""\}|cluster_members\{[^}]*\}) \S+", RegexOptions.Multiline)]
    private static partial Regex TableMetric();
}
