using System.CommandLine;
using System.Security.Cryptography;
using ActorDns.Host.Tls;

namespace ActorDns.Host.Cli;

/// <summary><c>actordns certs init DIR [--nodes NAME,…]</c> (SPEC §8): a development CA and node certificates for the cluster transport.</summary>
public static class CertsCommand
{
    public static Command Build()
    {
        var directory = new Argument<string>("DIR") { Description = "where ca.crt, ca.key and one <node>.pfx per node are written" };
        var nodes = new Option<string>("--nodes")
        {
            Description = $"the nodes to issue certificates for, comma-separated [default: {string.Join(',', DevelopmentCa.LocalTopology)}, the local topology]",
            HelpName = "NAME,…",
        };
        var init = new Command("init", "Make a development CA and a certificate per node for --remoting-tls-cert and --remoting-tls-ca; "
            + "run again, it keeps the files that exist and adds missing nodes from the same CA.")
        {
            directory, nodes,
        };
        init.SetAction(result => Init(result.GetValue(directory)!, result.GetValue(nodes)));
        return new Command("certs", "Certificates for mutual TLS between cluster nodes.") { init };
    }

    private static int Init(string directory, string? nodeList)
    {
        var nodes = nodeList is null ? DevelopmentCa.LocalTopology : nodeList.Split(',', StringSplitOptions.TrimEntries);
        if (nodes.Select(DevelopmentCa.NameProblem).FirstOrDefault(p => p is not null) is { } problem)
        {
            Console.Error.WriteLine($"actordns certs init: --nodes: {problem}");
            return 2;
        }

        IReadOnlyList<DevelopmentCa.Outcome> outcomes;
        try
        {
            outcomes = DevelopmentCa.Init(directory, [.. nodes.Distinct()], TimeProvider.System);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or CryptographicException or ArgumentException)
        {
            Console.Error.WriteLine($"actordns certs init: {directory}: {e.Message}");
            return 1;
        }

        foreach (var outcome in outcomes)
        {
            Console.WriteLine(outcome.Written ? $"wrote {outcome.Path}" : $"kept  {outcome.Path} (exists)");
        }

        var first = Path.Combine(directory, $"{nodes[0]}.pfx");
        Console.WriteLine($"Start each node with --remoting-tls-cert {Path.Combine(directory, "<node>.pfx")} --remoting-tls-ca {Path.Combine(directory, DevelopmentCa.CaCertificateFile)},");
        Console.WriteLine($"e.g. --remoting-tls-cert {first}. Keep ca.key off the nodes: it issues certificates every node trusts.");
        return 0;
    }
}
