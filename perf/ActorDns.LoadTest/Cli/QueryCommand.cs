using System.CommandLine;
using System.Net.Sockets;
using ActorDns.LoadTest.Query;
using ActorDns.LoadTest.Reporting;

namespace ActorDns.LoadTest.Cli;

/// <summary><c>query</c>: the open-loop DNS load generator.</summary>
internal static class QueryCommand
{
    public static Command Build()
    {
        var servers = CommonOptions.Repeatable("--server", "DNS server to load, HOST:PORT (repeatable; each gets an equal share)", "host:port");
        var names = new Option<string?>("--names") { Description = "file with the names to query, one per line", HelpName = "file" };
        var api = new Option<string?>("--api") { Description = "read the names from GET {api}/meshes/{mesh}/dns-records instead", HelpName = "url" };
        var mesh = new Option<string>("--mesh") { Description = "mesh whose records --api reads", DefaultValueFactory = _ => "default" };
        var rate = CommonOptions.Rate("queries per second, sent on a fixed schedule whatever the replies do", 1000);
        var duration = CommonOptions.Duration("--duration", "how long to send", TimeSpan.FromSeconds(20));
        var aaaa = new Option<int>("--aaaa-percent") { Description = "share of AAAA queries; the rest are A", DefaultValueFactory = _ => 20 };
        aaaa.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int>() is < 0 or > 100)
            {
                r.AddError("--aaaa-percent must be between 0 and 100");
            }
        });
        var seed = new Option<int>("--seed") { Description = "seed of the name and type draws", DefaultValueFactory = _ => 42 };
        var tcp = new Option<bool>("--tcp") { Description = "use TCP (RFC 7766 framing, pipelined over each connection) instead of UDP" };
        var timeout = CommonOptions.Duration("--timeout", "a reply later than this counts as lost", TimeSpan.FromSeconds(2));
        var sockets = CommonOptions.Positive("--sockets", "UDP sockets or TCP connections, each with its own sending and receiving thread (raised if needed)", 4);
        var json = CommonOptions.Json();
        var allowRemote = CommonOptions.AllowRemote();

        var command = new Command("query", "Open-loop DNS load: queries at a fixed rate, latency from each query's scheduled send time.")
        {
            servers, names, api, mesh, rate, duration, aaaa, seed, tcp, timeout, sockets, json, allowRemote,
        };
        command.Validators.Add(r =>
        {
            if ((r.GetValue(names) is null) == (r.GetValue(api) is null))
            {
                r.AddError("give exactly one of --names FILE and --api URL");
            }
        });

        command.SetAction(async (result, _) =>
        {
            using var signal = new ShutdownSignal();
            try
            {
                var remote = result.GetValue(allowRemote);
                var targets = Targets.Endpoints(result.GetValue(servers)!, "--server", remote);
                var list = result.GetValue(names) is { } file
                    ? NameSource.FromFile(file)
                    : await NameSource.FromApiAsync(Targets.Api(result.GetValue(api)!, "--api", remote), result.GetValue(mesh)!, signal.Token);
                if (list.Count == 0)
                {
                    throw new CliException("no names to query");
                }

                var options = new QueryOptions(
                    targets, list, result.GetValue(rate), result.GetValue(duration), result.GetValue(aaaa), result.GetValue(seed),
                    result.GetValue(tcp), result.GetValue(timeout), result.GetValue(sockets));
                var report = await Task.Run(() => QueryLoad.Run(options, signal.Token));
                report.Print(Console.Out);
                if (result.GetValue(json) is { } path)
                {
                    await JsonReport.WriteAsync(path, report);
                }

                return report.ExitCode();
            }
            catch (Exception e) when (e is CliException or FormatException)
            {
                await Console.Error.WriteLineAsync($"ActorDns.LoadTest query: {e.Message}");
                return 2;
            }
            catch (SocketException e)
            {
                await Console.Error.WriteLineAsync($"ActorDns.LoadTest query: cannot open a connection: {e.Message}");
                return 1;
            }
        });
        return command;
    }
}
