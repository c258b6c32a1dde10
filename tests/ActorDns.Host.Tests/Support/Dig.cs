using System.Diagnostics;
using System.Net;

namespace ActorDns.Host.Tests.Support;

/// <summary>Runs the real <c>dig</c> (bind9-dnsutils, installed by .ci/run) against a loopback server.</summary>
public static class Dig
{
    public static async Task<string> RunAsync(IPEndPoint server, params string[] args)
    {
        var info = new ProcessStartInfo("dig") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
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
