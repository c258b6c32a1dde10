using System.Collections;
using System.CommandLine;
using System.Net;
using Akka.Remote;
using ActorDns.Host.Configuration;
using ActorDns.Host.ControlPlane;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Hosting;

namespace ActorDns.Host.Cli;

/// <summary>The <c>actordns</c> command line (SPEC §1).</summary>
public static class ActorDnsCli
{


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
        var controlPlane = new Command("control-plane", "A control-plane cluster node: mesh shards, journal, HTTP API (remoting 127.0.0.1:4053).");
        var resolver = new Command("resolver", "A resolver node that joins the cluster: DNS listeners, API 127.0.0.1:9153 for metrics and health.");
        root.Subcommands.Add(standalone);
        root.Subcommands.Add(controlPlane);
        root.Subcommands.Add(resolver);
        foreach (var command in ClientCommands.Build())
        {
            root.Subcommands.Add(command);
        }

        Func<ParseResult, CancellationToken, Task<int>> Run(NodeRole role) => (result, _) => RunNodeAsync(role, result, flags, config);
        root.SetAction(Run(NodeRole.Standalone));
        standalone.SetAction(Run(NodeRole.Standalone));
        controlPlane.SetAction(Run(NodeRole.ControlPlane));
        resolver.SetAction(Run(NodeRole.Resolver));
        return root;
    }

    private static string Describe(Setting setting) =>
        $"env {setting.Env}{(setting.KumaEnv is null ? "" : $" or {setting.KumaEnv}")}, config key {setting.Key}";

    private static async Task<int> RunNodeAsync(NodeRole role, ParseResult result, Dictionary<string, Option<string[]>> flags, Option<string?> config)
    {
        ActorDnsOptions options;
        WebApplication app;
        try
        {
            var values = flags.ToDictionary(f => f.Key, f => result.GetValue(f.Value) ?? []);
            var file = result.GetValue(config) is { } path ? ConfigFile.Load(path) : new Dictionary<string, string[]>();
            var api = new IPEndPoint(IPAddress.Loopback, role == NodeRole.Resolver ? 9153 : 5681);
            var remoting = new IPEndPoint(IPAddress.Loopback, role == NodeRole.ControlPlane ? 4053 : 0);
            options = new OptionsLoader(values, ReadEnvironment(), file).Load(api, remoting);
            if (role != NodeRole.Standalone && options.SeedNodes.Count == 0)
            {
                throw new OptionsException($"{Setting.SeedNode.Flag}: a {NodeHost.RoleName(role)} node needs at least one seed node, e.g. akka.tcp://actordns@127.0.0.1:4053");
            }
        }
        catch (OptionsException e)
        {
            await Console.Error.WriteLineAsync($"actordns: {e.Message}");
            return 2;
        }

        try
        {
            if (role != NodeRole.Resolver)
            {
                JournalCheck.Verify(options.Journal);
            }

            app = NodeHost.Build(options, role);
        }
        catch (OptionsException e)
        {
            await Console.Error.WriteLineAsync($"actordns: {e.Message}");
            return 1;
        }
        catch (Exception e) when (RemotingFailure(e) is { } failure)
        {
            await Console.Error.WriteLineAsync($"actordns: {Setting.Remoting.Flag} {options.Remoting}: cannot listen: {failure}");
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
            catch (Exception e) when (RemotingFailure(e) is { } failure)
            {
                await Console.Error.WriteLineAsync($"actordns: {Setting.Remoting.Flag} {options.Remoting}: cannot listen: {failure}");
                return 1;
            }

            await app.WaitForShutdownAsync();
        }

        return 0;
    }

    /// <summary>
    /// Akka reports a remoting address it cannot bind as a <see cref="RemoteTransportException"/> several
    /// aggregates deep, from wherever the ActorSystem is first created; the innermost message says why.
    /// </summary>
    private static string? RemotingFailure(Exception e)
    {
        for (Exception? current = e; current is not null; current = current is AggregateException a ? a.Flatten().InnerExceptions[0] : current.InnerException)
        {
            if (current is RemoteTransportException transport)
            {
                return (transport.InnerException ?? transport).GetBaseException().Message;
            }
        }

        return null;
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
