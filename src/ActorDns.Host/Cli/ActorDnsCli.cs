using System.Collections;
using System.CommandLine;
using System.Net;
using ActorDns.Host.Configuration;
using ActorDns.Host.ControlPlane;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Hosting;

namespace ActorDns.Host.Cli;

/// <summary>The <c>actordns</c> command line (SPEC §1).</summary>
public static class ActorDnsCli
{
    private static IPEndPoint StandaloneApi => new(IPAddress.Loopback, 5681);

    public static RootCommand Build()
    {
        var flags = Setting.All.ToDictionary(s => s.Key, s => new Option<string[]>(s.Flag)
        {
            Description = Describe(s),
            Recursive = true,
            Arity = ArgumentArity.ZeroOrMore,
            AllowMultipleArgumentsPerToken = false,
        });
        var config = new Option<string?>("--config") { Description = "YAML or JSON configuration file (keys as in the README)", Recursive = true };

        var root = new RootCommand("ActorDns: mesh DNS with a clustered control plane. Without a command, runs standalone.");
        foreach (var option in flags.Values)
        {
            root.Options.Add(option);
        }

        root.Options.Add(config);
        var standalone = new Command("standalone", "Control plane and one resolver in one process, embedded SQLite journal (the default).");
        root.Subcommands.Add(standalone);
        foreach (var command in ClientCommands.Build())
        {
            root.Subcommands.Add(command);
        }

        Func<ParseResult, CancellationToken, Task<int>> run = (result, _) => RunStandaloneAsync(result, flags, config);
        root.SetAction(run);
        standalone.SetAction(run);
        return root;
    }

    private static string Describe(Setting setting) =>
        $"env {setting.Env}{(setting.KumaEnv is null ? "" : $" or {setting.KumaEnv}")}, config key {setting.Key}";

    private static async Task<int> RunStandaloneAsync(ParseResult result, Dictionary<string, Option<string[]>> flags, Option<string?> config)
    {
        ActorDnsOptions options;
        WebApplication app;
        try
        {
            var values = flags.ToDictionary(f => f.Key, f => result.GetValue(f.Value) ?? []);
            var file = result.GetValue(config) is { } path ? ConfigFile.Load(path) : new Dictionary<string, string[]>();
            options = new OptionsLoader(values, ReadEnvironment(), file).Load(StandaloneApi);
        }
        catch (OptionsException e)
        {
            await Console.Error.WriteLineAsync($"actordns: {e.Message}");
            return 2;
        }

        try
        {
            JournalCheck.Verify(options.Journal);
            app = StandaloneHost.Build(options);
        }
        catch (OptionsException e)
        {
            await Console.Error.WriteLineAsync($"actordns: {e.Message}");
            return 1;
        }

        await using (app)
        {
            try
            {
                await app.StartAsync();
            }
            catch (OptionsException e)
            {
                await Console.Error.WriteLineAsync($"actordns: {e.Message}");
                return 1;
            }
            catch (IOException e)
            {
                await Console.Error.WriteLineAsync($"actordns: --api-address {options.ApiAddress}: cannot listen: {e.Message}");
                return 1;
            }

            await app.WaitForShutdownAsync();
        }

        return 0;
    }

    private static Dictionary<string, string> ReadEnvironment()
    {
        var environment = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (DictionaryEntry entry in Environment.GetEnvironmentVariables())
        {
            environment[(string)entry.Key] = entry.Value as string ?? "";
        }

        return environment;
    }
}
