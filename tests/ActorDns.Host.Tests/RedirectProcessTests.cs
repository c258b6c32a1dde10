using System.Diagnostics;
using ActorDns.Host.Redirect;
using ActorDns.Host.Tests.Support;
using ActorDns.Testing;
using Xunit;

namespace ActorDns.Host.Tests;

/// <summary>
/// <c>actordns redirect</c> (SPEC §4.7): the nftables rules it writes, and the whole redirection in a private network
/// namespace (<c>unshare -n</c>), where an application running as another user asks the resolv.conf nameserver and is
/// answered by ActorDns, while ActorDns's own upstream query reaches that nameserver.
/// </summary>
public sealed class RedirectProcessTests
{
    [Fact]
    public void InstallScript_ResolvConfNameservers_ExcludedUserReturnsFirst_EachFamilyItsRule()
    {
        var script = DnsRedirect.InstallScript(new RedirectOptions(15053, 1000, CaptureAll: false, RedirectTcp: false,
            [System.Net.IPAddress.Parse("10.0.0.53"), System.Net.IPAddress.Parse("fd00::53"), System.Net.IPAddress.Parse("10.0.0.54")]));

        Assert.Equal(
            "table inet actordns\ndelete table inet actordns\ntable inet actordns {\n\tchain output {\n\t\ttype nat hook output priority -100; policy accept;\n"
            + "\t\tmeta skuid 1000 udp dport 53 return\n\t\tip daddr { 10.0.0.53, 10.0.0.54 } udp dport 53 redirect to :15053\n"
            + "\t\tip6 daddr { fd00::53 } udp dport 53 redirect to :15053\n\t}\n}\n",
            script);
    }

    [Fact]
    public void InstallScript_CaptureAllAndTcp_EveryPort53PacketOfBothProtocols()
    {
        var script = DnsRedirect.InstallScript(new RedirectOptions(5353, 0, CaptureAll: true, RedirectTcp: true, []));

        Assert.Contains("\t\tmeta skuid 0 udp dport 53 return\n\t\tmeta skuid 0 tcp dport 53 return\n\t\tudp dport 53 redirect to :5353\n\t\ttcp dport 53 redirect to :5353\n", script, StringComparison.Ordinal);
        Assert.DoesNotContain("daddr", script, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task Install_InAPrivateNetwork_ApplicationAnsweredByActorDns_ItsUpstreamQueryEscapes_UninstallLeavesNothing()
    {
        Requires.Missing(Environment.UserName != "root", "the redirection test needs root (unshare -n, nft, a port-53 upstream)");
        foreach (var (program, package) in new[] { ("unshare", "util-linux"), ("setpriv", "util-linux"), ("nft", "nftables"), ("curl", "curl"), ("ip", "iproute2") })
        {
            Requires.Program(program, package);
        }

        var dig = Requires.Dig();
        var work = Directory.CreateTempSubdirectory("actordns-redirect-").FullName;
        // The fake upstream is an ActorDns too: its template answers www.example.com with 192.0.2.1, on the nameserver's address.
        await File.WriteAllTextAsync(Path.Combine(work, "upstream.Corefile"), ".:{{ .CoreDNSPort }} {\n    template IN A example.com {\n        answer \"www.example.com. 60 IN A 192.0.2.1\"\n    }\n}\n");
        await File.WriteAllTextAsync(Path.Combine(work, "resolv.conf"), "nameserver 127.0.0.53\n");
        var actordns = $"dotnet {Path.Combine(AppContext.BaseDirectory, "actordns.dll")}";
        var script = $$"""
            set -eu
            ip link set lo up
            {{actordns}} standalone --dns-address 127.0.0.53:53=default --api-address 127.0.0.1:5682 --upstream 127.0.0.1:9 --data-dir {{work}}/upstream --corefile-template {{work}}/upstream.Corefile > {{work}}/upstream.log 2>&1 &
            {{actordns}} standalone --dns-address 127.0.0.1:15053=default --api-address 127.0.0.1:5681 --upstream 127.0.0.53:53 --data-dir {{work}}/resolver > {{work}}/resolver.log 2>&1 &
            trap 'kill $(jobs -p) 2>/dev/null || true' EXIT
            for port in 5681 5682; do
              for i in $(seq 1 300); do curl -sf http://127.0.0.1:$port/health/ready > /dev/null && break; sleep 0.2; done
            done
            curl -sf -X PUT -H 'Content-Type: application/json' http://127.0.0.1:5681/meshes/default/dataplanes/backend-1 \
              -d '{{ApiTestClient.Dataplane("default", "backend-1", "backend")}}' > /dev/null
            {{actordns}} redirect install --dns-port 15053 --resolv-conf {{work}}/resolv.conf
            {{actordns}} redirect install --dns-port 15053 --resolv-conf {{work}}/resolv.conf
            echo "RULES $(nft list ruleset | grep -c 'redirect to :15053')"
            {{actordns}} redirect show | sed 's/^/SHOW /'
            for i in $(seq 1 50); do
              answer=$(setpriv --reuid=65534 --regid=65534 --clear-groups {{dig}} @127.0.0.53 backend.mesh +short +time=1 +tries=1 || true)
              [ -n "$answer" ] && break; sleep 0.2
            done
            echo "MESH $answer"
            echo "OTHER $(setpriv --reuid=65534 --regid=65534 --clear-groups {{dig}} @127.0.0.53 www.example.com +short +time=2 +tries=1)"
            {{actordns}} redirect uninstall
            {{actordns}} redirect uninstall
            echo "AFTER $(nft list ruleset | wc -l)"
            {{actordns}} redirect show | sed 's/^/SHOW /'
            """;
        try
        {
            var output = await RunAsync("unshare", ["-n", "--", "bash", "-c", script], TimeSpan.FromSeconds(120));

            Assert.Contains("RULES 1\n", output, StringComparison.Ordinal);
            Assert.Contains("SHOW \t\tip daddr 127.0.0.53 udp dport 53 redirect to :15053", output, StringComparison.Ordinal);
            Assert.Contains("MESH 240.0.0.1\n", output, StringComparison.Ordinal);
            Assert.Contains("OTHER 192.0.2.1\n", output, StringComparison.Ordinal);
            Assert.Contains("AFTER 0\n", output, StringComparison.Ordinal);
            Assert.Contains("SHOW no DNS redirection is installed", output, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    [Fact]
    public async Task Show_WithoutNft_OneLineAndExitCode1()
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "actordns.dll"));
        info.ArgumentList.Add("redirect");
        info.ArgumentList.Add("show");
        info.Environment["PATH"] = Path.GetDirectoryName(ExecutablePath.Find("dotnet"))!;
        using var process = Process.Start(info)!;
        var error = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();

        Assert.Equal(1, process.ExitCode);
        Assert.Equal("actordns redirect show: nft was not found on PATH; install nftables", error.Trim());
    }

    private static async Task<string> RunAsync(string program, string[] arguments, TimeSpan timeout)
    {
        var info = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        var text = await output;
        Assert.True(process.ExitCode == 0, $"{program} exited with {process.ExitCode}:\n{text}\n{await error}");
        return text;
    }
}
