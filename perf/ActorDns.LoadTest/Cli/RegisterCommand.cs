using System.CommandLine;
using System.Security.Cryptography;
using ActorDns.LoadTest.Register;
using ActorDns.LoadTest.Reporting;

namespace ActorDns.LoadTest.Cli;

/// <summary><c>register</c>: how many new services per second the control plane acknowledges.</summary>
internal static class RegisterCommand
{
    public static Command Build()
    {
        var apis = CommonOptions.Repeatable("--api", "control-plane API base URL (repeatable; PUTs go round-robin)", "url");
        var mesh = new Option<string>("--mesh") { Description = "mesh to register in", DefaultValueFactory = _ => "default" };
        var count = CommonOptions.Positive("--count", "new services to register", 10_000);
        var concurrency = CommonOptions.Positive("--concurrency", "requests in flight", 64);
        var httpTimeout = CommonOptions.Duration("--http-timeout", "an API request slower than this is a timeout (and retried once)", TimeSpan.FromSeconds(10));
        var keep = new Option<bool>("--keep") { Description = "keep the services (default: delete them afterwards, untimed)" };
        var json = CommonOptions.Json();
        var allowRemote = CommonOptions.AllowRemote();
        var command = new Command("register", "Register new services as fast as the API acknowledges them, with N requests in flight; report services/s and PUT latency.")
        {
            apis, mesh, count, concurrency, httpTimeout, keep, json, allowRemote,
        };
        command.SetAction(async (result, _) =>
        {
            using var signal = new ShutdownSignal();
            try
            {
                var options = new RegisterOptions(
                    result.GetValue(apis)!.Select(a => Targets.Api(a, "--api", result.GetValue(allowRemote))).ToList(),
                    result.GetValue(mesh)!,
                    result.GetValue(count),
                    result.GetValue(concurrency),
                    result.GetValue(httpTimeout),
                    Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(3)),
                    result.GetValue(keep));
                using var run = new RegisterRun(options, Console.Out);
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
                await Console.Error.WriteLineAsync($"ActorDns.LoadTest register: {e.Message}");
                return 2;
            }
        });
        return command;
    }
}
