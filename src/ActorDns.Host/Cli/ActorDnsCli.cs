using System.Collections;
using System.CommandLine;
using System.Net;
using System.Reflection;
using Akka.Actor;
using Akka.Remote;
using ActorDns.Host.Configuration;
using ActorDns.Host.ControlPlane;
using ActorDns.Host.Dns;
using ActorDns.Host.Redirect;
using ActorDns.Host.Tls;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace ActorDns.Host.Cli;

/// <summary>The <c>actordns</c> command line (SPEC §1).</summary>
public static class ActorDnsCli
{
    public static RootCommand Build()
    {
        var root = new RootCommand("ActorDns: the DNS of a Kuma service mesh, with a clustered control plane. Without a command, runs standalone.");
        AddNodeOptions(root, NodeRole.Standalone);
        var standalone = new Command("standalone", "Control plane and one resolver in one process, embedded SQLite journal (the default command).");
        var controlPlane = new Command("control-plane", "A control-plane cluster node: mesh shards, journal, HTTP API; needs --seed-node.");
        var resolver = new Command("resolver", "A resolver node that joins the cluster: DNS listeners, metrics and health; needs --seed-node.");
        AddNodeOptions(standalone, NodeRole.Standalone);
        AddNodeOptions(controlPlane, NodeRole.ControlPlane);
        AddNodeOptions(resolver, NodeRole.Resolver);
        root.Subcommands.Add(standalone);
        root.Subcommands.Add(controlPlane);
        root.Subcommands.Add(resolver);
        foreach (var command in ClientCommands.Build())
        {
            root.Subcommands.Add(command);
        }

        root.Subcommands.Add(RedirectCommand.Build());
        root.Subcommands.Add(CertsCommand.Build());
        var version = new Command("version", "Print the version and the commit it was built from.");
        version.SetAction(_ => Console.WriteLine(VersionText()));
        root.Subcommands.Add(version);
        root.Options.OfType<VersionOption>().Single().Action = version.Action;
        return root;
    }

    /// <summary><c>actordns 1.0.0 (commit 8ed2e69f8fc9)</c>, from the informational version the SDK stamps with the git commit.</summary>
    public static string VersionText()
    {
        var informational = typeof(ActorDnsCli).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0";
        var parts = informational.Split('+', 2);
        var commit = parts.Length == 2 && parts[1].Length > 0 ? parts[1][..Math.Min(12, parts[1].Length)] : "unknown";
        return $"actordns {parts[0]} (commit {commit})";
    }

    /// <summary>The settings of a node (each with its meaning, format and default) and the action that runs it.</summary>
    private static void AddNodeOptions(Command command, NodeRole role)
    {
        var flags = Setting.All.ToDictionary(s => s.Key, s => new Option<string[]>(s.Flag)
        {
            Description = s.HelpText,
            HelpName = s.Format,
            Arity = ArgumentArity.ZeroOrMore,
            AllowMultipleArgumentsPerToken = false,
        });
        var config = new Option<string?>("--config")
        {
            Description = "a YAML or JSON file with the config keys of docs/configuration.md; flags and the environment beat it [default: none]",
            HelpName = "FILE",
        };
        foreach (var option in flags.Values)
        {
            command.Options.Add(option);
        }

        command.Options.Add(config);
        command.SetAction((result, _) => RunNodeAsync(role, result, flags, config));
    }

    private static async Task<int> RunNodeAsync(NodeRole role, ParseResult result, Dictionary<string, Option<string[]>> flags, Option<string?> config)
    {
        ActorDnsOptions options;
        WebApplication app;
        try
        {
            var values = flags.ToDictionary(f => f.Key, f => result.GetValue(f.Value) ?? []);
            var file = result.GetValue(config) is { } path ? ConfigFile.Load(path) : new Dictionary<string, string[]>();
            options = new OptionsLoader(values, ReadEnvironment(), file).Load(role);
            if (role != NodeRole.Standalone && options.SeedNodes.Count == 0)
            {
                throw new OptionsException($"{Setting.SeedNode.Flag}: a {NodeHost.RoleName(role)} node needs at least one seed node, e.g. akka.tcp://actordns@127.0.0.1:4053");
            }

            // The cluster transport's certificates too: a resolver would load them only when it first joins.
            if (options.RemotingTls is { } tls)
            {
                RemotingTls.Options(tls);
            }

            // Every template the node was given is checked now, so an invalid one never starts (exit 2).
            foreach (var (setting, template) in new[] { (Setting.CorefileTemplate, options.CorefileTemplate), (Setting.BootstrapCorefileTemplate, options.BootstrapCorefileTemplate) })
            {
                if (template is not null)
                {
                    ResolverPipelines.Validate(CorefileSource.Read(setting, template), options);
                }
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
            if (role != NodeRole.Resolver && DownedByTheCluster(app))
            {
                // A resolver starts a new membership by itself (ResolverMembership); a control-plane node's shards and
                // singletons ended with its ActorSystem, and Akka.Hosting stopped the host: its supervisor starts it again.
                await Console.Error.WriteLineAsync(
                    "actordns: downed by the cluster (the majority's decision after a partition or a pause); " +
                    "exiting, so that a supervisor starts this node again as a new member");
                return DownedExitCode;
            }

            if (role != NodeRole.Resolver && LeftIncompatibleCluster(app))
            {
                await Console.Error.WriteLineAsync(
                    "actordns: left the cluster: its oldest member decides downing differently (another release, see the log); " +
                    "run the same release on every node");
                return IncompatibleDowningExitCode;
            }
        }

        return 0;
    }

    /// <summary>The exit code of a control-plane or standalone node that the cluster downed (docs/configuration.md).</summary>
    public const int DownedExitCode = 3;

    /// <summary>The exit code of a node that left a cluster whose downing differs from its own (C-23, docs/configuration.md).</summary>
    public const int IncompatibleDowningExitCode = MajorityDowning.IncompatibleDowningReason.Code;

    private static bool DownedByTheCluster(WebApplication app) =>
        CoordinatedShutdown.Get(app.Services.GetRequiredService<ActorSystem>()).ShutdownReason is CoordinatedShutdown.ClusterDowningReason;

    private static bool LeftIncompatibleCluster(WebApplication app) =>
        CoordinatedShutdown.Get(app.Services.GetRequiredService<ActorSystem>()).ShutdownReason is MajorityDowning.IncompatibleDowningReason;

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
