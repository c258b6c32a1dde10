using System.Net;
using ActorDns.Host.Tests.Support;
using ActorDns.Testing;
using Xunit;

namespace ActorDns.Host.Tests;

/// <summary>
/// <c>--dns-allow</c> (SPEC §8) through the real process and dig: a client outside the allowed networks gets REFUSED
/// over UDP and TCP, one inside gets its answer, and the node keeps serving.
/// </summary>
public sealed class DnsAllowProcessTests
{
    [Fact]
    public async Task ClientOutsideTheAllowedNetworks_Refused_InsideAnswered_OverUdpAndTcp()
    {
        var dataDir = Directory.CreateTempSubdirectory("actordns-allow-").FullName;
        var api = new IPEndPoint(IPAddress.Loopback, FreePort.Next());
        var dns = new IPEndPoint(IPAddress.Loopback, FreePort.Next());
        try
        {
            await using var process = ActorDnsProcess.Start("--dns-address", $"{dns}=default", "--api-address", api.ToString(), "--upstream", "127.0.0.1:9",
                "--data-dir", dataDir, "--dns-allow", "127.0.0.2/32", "--dns-allow", "10.0.0.0/8");
            await process.WaitReadyAsync(api);
            using var client = new ApiTestClient(api);
            Assert.Equal(HttpStatusCode.Created, await client.PutAsync("meshes/default/dataplanes/web-1", ApiTestClient.Dataplane("default", "web-1", "web")));

            var allowed = (await Eventually.ValueAsync(
                () => Dig.RunAsync(dns, "-b", "127.0.0.2", "+short", "web.mesh"), a => a.Trim().Length > 0, TimeSpan.FromSeconds(10), "web.mesh from an allowed client")).Trim();
            var refusedUdp = await Dig.RunAsync(dns, "-b", "127.0.0.1", "web.mesh");
            var refusedTcp = await Dig.RunAsync(dns, "-b", "127.0.0.1", "+tcp", "web.mesh");

            Assert.Equal("240.0.0.1", allowed);
            Assert.Contains("status: REFUSED", refusedUdp, StringComparison.Ordinal);
            Assert.Contains("status: REFUSED", refusedTcp, StringComparison.Ordinal);
            Assert.Equal("240.0.0.1", (await Dig.RunAsync(dns, "-b", "127.0.0.2", "+short", "+tcp", "web.mesh")).Trim());
        }
        finally
        {
            Directory.Delete(dataDir, recursive: true);
        }
    }
}
