using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using ActorDns.Host.Tests.Support;
using ActorDns.Protocol;
using ActorDns.Testing;
using ActorDns.Testing.Dns;
using Xunit;

namespace ActorDns.Host.Tests;

/// <summary>
/// Response rate limiting (SPEC §8) through the real process: a flood from one /24 gets at most the rate of full
/// answers per second plus truncated slips, the rest dropped; a client of another /24 and TCP from the flooding one
/// are answered all along, and the node keeps serving.
/// </summary>
public sealed class RateLimitProcessTests
{
    private const int Rate = 20;

    [Fact]
    public async Task FloodFromOnePrefix_LimitedToTheRatePlusSlips_OthersAndTcpAnswered()
    {
        var dataDir = Directory.CreateTempSubdirectory("actordns-rrl-").FullName;
        var api = new IPEndPoint(IPAddress.Loopback, FreePort.Next());
        var dns = new IPEndPoint(IPAddress.Loopback, FreePort.Next());
        try
        {
            await using var process = ActorDnsProcess.Start("--dns-address", $"{dns}=default", "--api-address", api.ToString(), "--upstream", "127.0.0.1:9",
                "--data-dir", dataDir, "--rrl-rate", Rate.ToString(System.Globalization.CultureInfo.InvariantCulture), "--rrl-slip", "2");
            await process.WaitReadyAsync(api);
            using var client = new ApiTestClient(api);
            Assert.Equal(HttpStatusCode.Created, await client.PutAsync("meshes/default/dataplanes/web-1", ApiTestClient.Dataplane("default", "web-1", "web")));
            await Dig.ShortUntilAsync(dns, "web.mesh", a => a.Length > 0);

            using var flood = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
            flood.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            var query = new QueryBuilder { Name = "web.mesh" }.Build();
            var clock = Stopwatch.StartNew();
            for (var i = 0; i < 10 * Rate; i++)
            {
                await flood.SendToAsync(query, dns);
            }

            var sendSeconds = clock.Elapsed.TotalSeconds;
            var other = await Dig.RunAsync(dns, "-b", "127.0.1.1", "+short", "web.mesh");
            var tcp = await Dig.RunAsync(dns, "-b", "127.0.0.1", "+tcp", "+short", "web.mesh");
            var (full, truncated) = await ReceiveAllAsync(flood);

            // The flood spans one second boundary at most when it is sent within a second.
            var windows = (int)Math.Ceiling(sendSeconds) + 1;
            Assert.InRange(full, 1, Rate * windows);
            Assert.InRange(truncated, 1, (10 * Rate - full + 1) / 2);
            Assert.True(full + truncated < 10 * Rate, $"{full} full and {truncated} truncated answers: nothing was dropped");
            Assert.Equal("240.0.0.1", other.Trim());
            Assert.Equal("240.0.0.1", tcp.Trim());
            Assert.False(process.HasExited);

            // /metrics counts what the limit withheld: at least every slip received, and with the full answers sent (at least
            // those received) the whole flood.
            using var http = new HttpClient();
            var metrics = await http.GetStringAsync($"http://{api}/metrics");
            long Withheld(string action) => long.Parse(
                Regex.Match(metrics, $"^actordns_dns_rate_limited_total\\{{action=\"{action}\"\\}} (\\d+)$", RegexOptions.Multiline).Groups[1].Value,
                System.Globalization.CultureInfo.InvariantCulture);
            Assert.InRange(Withheld("truncated"), truncated, 10 * Rate - full);
            Assert.InRange(Withheld("dropped"), 1, 10 * Rate - full - Withheld("truncated"));
        }
        finally
        {
            Directory.Delete(dataDir, recursive: true);
        }
    }

    /// <summary>Every reply that arrives until the socket stays quiet for half a second: full answers and truncated slips.</summary>
    private static async Task<(int Full, int Truncated)> ReceiveAllAsync(Socket socket)
    {
        var buffer = new byte[ushort.MaxValue];
        var (full, truncated) = (0, 0);
        while (true)
        {
            using var quiet = new CancellationTokenSource(TimeSpan.FromMilliseconds(500));
            try
            {
                var length = await socket.ReceiveAsync(buffer, SocketFlags.None, quiet.Token);
                Assert.True(DnsMessage.TryParse(buffer.AsSpan(0, length), out var reply));
                if ((reply.Flags & DnsHeaderFlags.TC) != 0)
                {
                    truncated++;
                }
                else
                {
                    Assert.Single(reply.Answers);
                    full++;
                }
            }
            catch (OperationCanceledException)
            {
                return (full, truncated);
            }
        }
    }
}
