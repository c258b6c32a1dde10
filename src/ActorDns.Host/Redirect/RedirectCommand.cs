using System.CommandLine;
using System.Diagnostics;
using System.Net;
using System.Runtime.InteropServices;
using ActorDns.Server.Forwarding;

namespace ActorDns.Host.Redirect;

/// <summary><c>actordns redirect install|uninstall|show</c> (SPEC §4.7), run through the <c>nft</c> command.</summary>
public static partial class RedirectCommand
{
    public static Command Build()
    {
        var port = new Option<int>("--dns-port") { Description = "the resolver's DNS port that traffic is sent to", DefaultValueFactory = _ => 15053, HelpName = "PORT" };
        var uid = new Option<uint?>("--exclude-uid") { Description = "the user whose DNS traffic is not redirected: the resolver's [default: the current user]", HelpName = "UID" };
        var captureAll = new Option<bool>("--capture-all") { Description = "redirect UDP port 53 to any address, not only to the resolv.conf nameservers", Arity = ArgumentArity.Zero };
        var tcp = new Option<bool>("--redirect-tcp") { Description = "redirect TCP port 53 too", Arity = ArgumentArity.Zero };
        var resolvConf = new Option<string>("--resolv-conf") { Description = "the resolv.conf whose nameservers are captured", DefaultValueFactory = _ => "/etc/resolv.conf", HelpName = "PATH" };
        var install = new Command("install", "Send the applications' DNS traffic to the resolver (nftables table inet actordns); running it again replaces the rules.")
        {
            port, uid, captureAll, tcp, resolvConf,
        };
        install.SetAction((result, _) => InstallAsync(
            result.GetValue(port), result.GetValue(uid) ?? geteuid(), result.GetValue(captureAll), result.GetValue(tcp), result.GetValue(resolvConf)!));
        var uninstall = new Command("uninstall", "Remove the rules install added.");
        uninstall.SetAction((_, _) => RunNftAsync("uninstall", ["-f", "-"], DnsRedirect.UninstallScript));
        var show = new Command("show", "Print the rules install added.");
        show.SetAction((_, _) => ShowAsync());
        return new Command("redirect", "DNS redirection to the resolver, like kumactl install transparent-proxy --redirect-dns (needs nft and CAP_NET_ADMIN).")
        {
            install, uninstall, show,
        };
    }

    private static async Task<int> InstallAsync(int port, uint uid, bool captureAll, bool tcp, string resolvConf)
    {
        if (port is < 1 or > 65535)
        {
            await Console.Error.WriteLineAsync($"actordns redirect install: --dns-port {port}: expected a port from 1 to 65535");
            return 2;
        }

        IReadOnlyList<IPEndPoint> nameservers;
        try
        {
            nameservers = captureAll ? [] : ResolvConf.Load(resolvConf);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            await Console.Error.WriteLineAsync($"actordns redirect install: --resolv-conf {resolvConf}: cannot read the file: {e.Message}");
            return 1;
        }

        if (!captureAll && nameservers.Count == 0)
        {
            await Console.Error.WriteLineAsync($"actordns redirect install: {resolvConf} has no nameserver to capture; use --capture-all");
            return 1;
        }

        var script = DnsRedirect.InstallScript(new RedirectOptions(port, uid, captureAll, tcp, [.. nameservers.Select(n => n.Address)]));
        return await RunNftAsync("install", ["-f", "-"], script);
    }

    private static async Task<int> ShowAsync()
    {
        var (code, output, error) = await NftAsync(["list", "table", "inet", DnsRedirect.Table], null);
        if (code is null)
        {
            return await NotInstalledAsync("show");
        }

        if (code != 0 && error.Contains("No such file or directory", StringComparison.Ordinal))
        {
            Console.WriteLine("no DNS redirection is installed (nftables table inet actordns does not exist)");
            return 0;
        }

        if (code != 0)
        {
            return await FailedAsync("show", error);
        }

        Console.Write(output);
        return 0;
    }

    private static async Task<int> RunNftAsync(string verb, string[] arguments, string input)
    {
        var (code, _, error) = await NftAsync(arguments, input);
        return code switch
        {
            null => await NotInstalledAsync(verb),
            0 => 0,
            _ => await FailedAsync(verb, error),
        };
    }

    private static async Task<int> NotInstalledAsync(string verb)
    {
        await Console.Error.WriteLineAsync($"actordns redirect {verb}: nft was not found on PATH; install nftables");
        return 1;
    }

    private static async Task<int> FailedAsync(string verb, string error)
    {
        var first = error.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault() ?? "failed";
        var hint = error.Contains("Operation not permitted", StringComparison.Ordinal) ? " (nft needs CAP_NET_ADMIN: run as root)" : "";
        await Console.Error.WriteLineAsync($"actordns redirect {verb}: nft: {first}{hint}");
        return 1;
    }

    /// <summary>Runs nft; a null exit code means it is not installed.</summary>
    private static async Task<(int? Code, string Output, string Error)> NftAsync(string[] arguments, string? input)
    {
        var info = new ProcessStartInfo("nft") { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        Process process;
        try
        {
            process = Process.Start(info)!;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return (null, "", "");
        }

        using (process)
        {
            await process.StandardInput.WriteAsync(input ?? "");
            process.StandardInput.Close();
            var output = process.StandardOutput.ReadToEndAsync();
            var error = process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync();
            return (process.ExitCode, await output, await error);
        }
    }

    [LibraryImport("libc")]
    private static partial uint geteuid();
}
