using System.Diagnostics;
using System.Net;
using ActorDns.Testing;
using Xunit;

namespace ActorDns.Host.Tests.Support;

/// <summary>
/// Runs the real <c>dig</c> (bind9-dnsutils, installed by ./test.sh) against a loopback server. Without dig the
/// calling test is skipped (failed on CI), so every test that calls this is a <c>[SkippableFact]</c>.
/// </summary>
public static class Dig
{
    /// <summary>
    /// dig's standard output. A query that got no reply (dig exits 9) or any other dig error fails the test with
    /// dig's own message, so an empty or error text can never pass for an answer.
    /// </summary>
    public static async Task<string> RunAsync(IPEndPoint server, params string[] args)
    {
        var info = new ProcessStartInfo(Requires.Dig()) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add($"@{server.Address}");
        info.ArgumentList.Add("-p");
        info.ArgumentList.Add(server.Port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        info.ArgumentList.Add("+time=2");
        info.ArgumentList.Add("+tries=1");
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, $"dig {string.Join(' ', info.ArgumentList)} exited with {process.ExitCode}: {await errors}{await output}");
        return await output;
    }

    /// <summary>The <c>+short</c> answer (the record data, one per line, trimmed): empty for NXDOMAIN or NODATA.</summary>
    public static async Task<string> ShortAsync(IPEndPoint server, string name, string type = "A") =>
        (await RunAsync(server, name, type, "+short")).Trim();

    /// <summary>Asks until the short answer satisfies <paramref name="done"/> (propagation is asynchronous); fails after the timeout (10 s).</summary>
    public static Task<string> ShortUntilAsync(IPEndPoint server, string name, Func<string, bool> done, string type = "A", TimeSpan? timeout = null) =>
        Eventually.ValueAsync(() => ShortAsync(server, name, type), done, timeout ?? TimeSpan.FromSeconds(10), $"dig {name} {type} @{server}");
}
