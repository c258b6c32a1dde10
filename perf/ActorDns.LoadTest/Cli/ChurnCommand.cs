using System.CommandLine;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text.RegularExpressions;
using ActorDns.LoadTest.Churn;
using ActorDns.LoadTest.Reporting;

namespace ActorDns.LoadTest.Cli;

/// <summary><c>churn</c>: registration churn against the control plane, timed on the resolvers.</summary>
internal static partial class ChurnCommand
{
    public static Command Build()
    {
        var apis = CommonOptions.Repeatable("--api", "control-plane API base URL (repeatable; PUTs go round-robin)", "url");
        var resolvers = CommonOptions.Repeatable("--resolver", "resolver to time, HOST:PORT (repeatable)", "host:port");
        var mesh = new Option<string>("--mesh") { Description = "mesh to register in", DefaultValueFactory = _ => "default" };
        var domain = new Option<string>("--domain") { Description = "DNS domain of mesh names (dnsServer.domain)", DefaultValueFactory = _ => "mesh" };
        var rate = CommonOptions.Rate("new services per second", 10);
        var duration = CommonOptions.Duration("--duration", "how long to keep registering new services", TimeSpan.FromSeconds(30));
        var lifetime = CommonOptions.Duration("--lifetime", "how long each service lives after its PUT is acknowledged", TimeSpan.FromSeconds(10));
        var resolveTimeout = CommonOptions.Duration("--resolve-timeout", "give up waiting for a name to appear or disappear after this", TimeSpan.FromSeconds(10));
        var httpTimeout = CommonOptions.Duration("--http-timeout", "an API request slower than this is a timeout (and retried once)", TimeSpan.FromSeconds(5));
        var runId = new Option<string?>("--run-id") { Description = "names services churn-<run-id>-<i> (default: 6 random hex digits)", HelpName = "id" };
        runId.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<string?>() is { } id && !RunIdPattern().IsMatch(id))
            {
                r.AddError("--run-id must be 1-20 characters of a-z, 0-9 and '-'");
            }
        });
        var json = CommonOptions.Json();
        var allowRemote = CommonOptions.AllowRemote();

        var command = new Command("churn", "Register and delete services at a fixed rate; time PUT → resolvable and DELETE → gone on every resolver; check every answer against /vips.")
        {
            apis, resolvers, mesh, domain, rate, duration, lifetime, resolveTimeout, httpTimeout, runId, json, allowRemote,
        };
        command.SetAction(async (result, _) =>
        {
            using var signal = new ShutdownSignal();
            try
            {
                var remote = result.GetValue(allowRemote);
                var options = new ChurnOptions(
                    result.GetValue(apis)!.Select(a => Targets.Api(a, "--api", remote)).ToList(),
                    Targets.Endpoints(result.GetValue(resolvers)!, "--resolver", remote),
                    result.GetValue(mesh)!,
                    result.GetValue(domain)!,
                    result.GetValue(rate),
                    result.GetValue(duration),
                    result.GetValue(lifetime),
                    result.GetValue(resolveTimeout),
                    result.GetValue(httpTimeout),
                    result.GetValue(runId) ?? Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(3)));
                Console.WriteLine($"churn: run {options.RunId}: registering {options.ServicePrefix}* for {options.Duration.TotalSeconds} s, each living {options.Lifetime.TotalSeconds} s (Ctrl-C stops and deletes what was created)");
                using var run = new ChurnRun(options, Console.Out);
                var report = await run.RunAsync(signal.Token);
                report.Print(Console.Out);
                if (result.GetValue(json) is { } path)
                {
                    await JsonReport.WriteAsync(path, report);
                }

                return report.ExitCode();
            }
            catch (CliException e)
            {
                await Console.Error.WriteLineAsync($"ActorDns.LoadTest churn: {e.Message}");
                return 2;
            }
            catch (SocketException e)
            {
                await Console.Error.WriteLineAsync($"ActorDns.LoadTest churn: cannot open a socket: {e.Message}");
                return 1;
            }
        });
        return command;
    }

    [GeneratedRegex("^[a-z0-9-]{1,20}$")]
    private static partial Regex RunIdPattern();
}
