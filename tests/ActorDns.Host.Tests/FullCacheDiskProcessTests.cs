using System.Diagnostics;
using System.Net;
using System.Text.RegularExpressions;
using ActorDns.Host.Tests.Support;
using ActorDns.Testing;
using Xunit;
using Xunit.Abstractions;

namespace ActorDns.Host.Tests;

/// <summary>
/// A node whose data directory — where its zone cache is written — is a disk that fills up (issue 15): a 2 MiB tmpfs
/// mounted for the process alone (<c>unshare -m</c>), the journal on PostgreSQL elsewhere. Once the disk is full, a new
/// registration is still served, and the metrics say that the cache on disk is behind.
/// </summary>
public sealed class FullCacheDiskProcessTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _dataDir = Directory.CreateTempSubdirectory("actordns-full-disk-").FullName;

    public void Dispose() => Directory.Delete(_dataDir, recursive: true);

    [SkippableFact]
    public async Task CacheDiskFull_NewRegistration_ServedAndTheMetricsSayTheCacheIsBehind()
    {
        Requires.Missing(Environment.UserName != "root", "the full-disk test needs root (unshare -m, mount)");
        Requires.Program("unshare", "util-linux");
        Requires.Program("nsenter", "util-linux");
        Requires.Dig();
        await using var schema = await TestPostgresSchema.CreateAsync("fulldisk");
        var api = new IPEndPoint(IPAddress.Loopback, FreePort.Next());
        var dns = new IPEndPoint(IPAddress.Loopback, FreePort.Next());
        string[] tmpfs = ["unshare", "-m", "--propagation", "private", "sh", "-c", "mount -t tmpfs -o size=2m actordns-cache \"$0\" && exec \"$@\"", _dataDir];
        await using var process = ActorDnsProcess.StartWrapped(tmpfs, "--dns-address", $"{dns}=default", "--api-address", api.ToString(),
            "--upstream", "127.0.0.1:9", "--data-dir", _dataDir, "--journal", schema.Journal);
        await process.WaitReadyAsync(api, TimeSpan.FromSeconds(40));
        using var client = new ApiTestClient(api);
        using var http = new HttpClient();

        Assert.Equal(HttpStatusCode.Created, await client.PutAsync("meshes/default/dataplanes/before-1", ApiTestClient.Dataplane("default", "before-1", "before")));
        Assert.Equal("1", await Eventually.ValueAsync(() => MetricAsync(http, api, "actordns_resolver_cache_current"), v => v == "1", TimeSpan.FromSeconds(20), "the cache written"));

        // Fill the process's disk from inside its mount namespace.
        using (var fill = Process.Start(new ProcessStartInfo("nsenter", ["-t", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), "-m",
                   "dd", "if=/dev/zero", $"of={Path.Combine(_dataDir, "fill")}", "bs=64k"]) { RedirectStandardError = true })!)
        {
            output.WriteLine(await fill.StandardError.ReadToEndAsync());
            await fill.WaitForExitAsync();
        }

        Assert.Equal(HttpStatusCode.Created, await client.PutAsync("meshes/default/dataplanes/after-1", ApiTestClient.Dataplane("default", "after-1", "after")));
        var vip = (await client.VipsAsync("default")).Single(v => v.Key == "service:after").Vip;
        Assert.Equal(vip, await Dig.ShortUntilAsync(dns, "after.mesh", a => a == vip));
        Assert.Equal("0", await Eventually.ValueAsync(() => MetricAsync(http, api, "actordns_resolver_cache_current"), v => v == "0", TimeSpan.FromSeconds(20), "the cache behind"));
        Assert.NotEqual("0", await MetricAsync(http, api, "actordns_resolver_cache_write_failures_total"));
        Assert.Contains("Could not write the zone cache of mesh default", process.Output, StringComparison.Ordinal);
        Assert.False(process.HasExited, process.Output);
    }

    /// <summary>The value of a metric of mesh default, as the node's /metrics shows it.</summary>
    private static async Task<string?> MetricAsync(HttpClient http, IPEndPoint api, string name)
    {
        var text = await http.GetStringAsync($"http://{api}/metrics");
        var match = Regex.Match(text, $"^{name}\\{{mesh=\"default\"\\}} (\\S+)$", RegexOptions.Multiline);
        return match.Success ? match.Groups[1].Value : null;
    }
}
