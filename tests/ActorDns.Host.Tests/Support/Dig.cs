using System.Diagnostics;
using System.Net;
using ActorDns.Testing;

namespace ActorDns.Host.Tests.Support;

/// <summary>
/// Runs the real <c>dig</c> (bind9-dnsutils, installed by ./test.sh) against a loopback server. Without dig the
/// calling test is skipped (failed on CI), so every test that calls this is a <c>[SkippableFact]</c>.
/// </summary>
public static class Dig
{
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

        using var process = Process.Start(info) ?? throw new InvalidOperationException("dig did not start: install bind9-dnsutils");
        var output = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        return output + await process.StandardError.ReadToEndAsync();
    }
}
