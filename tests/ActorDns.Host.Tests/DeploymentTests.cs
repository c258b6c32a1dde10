using System.Collections.Immutable;
using System.Diagnostics;
using System.Net;
using System.Text.RegularExpressions;
using ActorDns.Host.Tests.Support;
using ActorDns.Testing;
using Xunit;
using YamlDotNet.RepresentationModel;

namespace ActorDns.Host.Tests;

/// <summary>
/// docker-compose.yml (SPEC §7) as <c>docker-compose config</c> resolves it: the services of the topology,
/// in step with cluster-config/local-cluster.sh (the same nodes, flags, ports, seeds and config files), and
/// Prometheus scraping every node. Needs the Debian package docker-compose (installed by ./test.sh; without it these tests are skipped); no Docker daemon.
/// </summary>
public sealed class DeploymentTests
{
    private static readonly string Root = RepositoryRoot.Path;
    private static readonly string ClusterConfig = Path.Combine(Root, "cluster-config");

    [SkippableFact]
    public async Task ComposeConfig_ValidFile_DescribesTheClusterTopology()
    {
        var compose = await ComposeConfigAsync();
        var services = (YamlMappingNode)compose["services"];

        Assert.Equal(["cp1", "cp2", "cp3", "grafana", "keygen", "loadtest", "postgres", "prometheus", "resolver1", "resolver2"], services.Children.Keys.Select(k => k.ToString()).Order());
        var loadtest = (YamlMappingNode)services["loadtest"];
        Assert.Contains("load", Strings(loadtest["profiles"]));
        Assert.Equal(["dotnet", "/app/loadtest/ActorDns.LoadTest.dll"], Strings(loadtest["entrypoint"]));

        var keygen = string.Join(' ', Strings(services["keygen"]["entrypoint"]));
        Assert.Contains($"certs init /var/lib/actordns-ca --nodes {string.Join(',', ComposeNodes(services).Select(n => n.Name))}", keygen, StringComparison.Ordinal);
        var postgres = (YamlMappingNode)services["postgres"]["environment"];
        var subnet = IPNetwork.Parse(Text(compose["networks"]["actordns"]["ipam"]["config"][0]["subnet"]));
        foreach (var node in ComposeNodes(services))
        {
            var service = (YamlMappingNode)services[node.Name];
            Assert.True(subnet.Contains(IPAddress.Parse(Address(service))), $"{node.Name}: address outside {subnet}");
            Assert.Contains($"http://127.0.0.1:{Port(node.Flag("--api-address"))}/health/ready", Strings(service["healthcheck"]["test"]));

            // Mutual TLS between the nodes (SPEC §8), with the certificates keygen copied out of the CA's own volume.
            Assert.Equal($"/var/lib/actordns-certs/{node.Name}.pfx", node.Flag("--remoting-tls-cert"));
            Assert.Equal("/var/lib/actordns-certs/ca.crt", node.Flag("--remoting-tls-ca"));
            Assert.Contains("certs:/var/lib/actordns-certs:ro", Strings(service["volumes"]));
            Assert.DoesNotContain(Strings(service["volumes"]), v => v.StartsWith("ca:", StringComparison.Ordinal));
            Assert.Equal("service_completed_successfully", Text(service["depends_on"]["keygen"]["condition"]));
            if (node.Role == "control-plane")
            {
                Assert.Equal("service_healthy", Text(service["depends_on"]["postgres"]["condition"]));
                var journal = Journal(node.Flag("--journal"));
                Assert.Equal(
                    [journal["Database"], journal["Username"], journal["Password"]],
                    [Text(postgres["POSTGRES_DB"]), Text(postgres["POSTGRES_USER"]), Text(postgres["POSTGRES_PASSWORD"])]);
                Assert.Equal("postgres", journal["Host"]);

                // Every node signs and checks API tokens with the one key keygen made (SPEC §8).
                Assert.Equal("/var/lib/actordns-keys/api-token-signing-key.pem", node.Flag("--api-token-signing-key"));
                Assert.Contains(Strings(service["volumes"]), v => v.Contains("/var/lib/actordns-keys", StringComparison.Ordinal));
            }
        }
    }

    [SkippableFact]
    public async Task ComposeConfig_ComparedWithLocalClusterScript_SameNodesPortsSeedsAndConfigs()
    {
        var services = (YamlMappingNode)(await ComposeConfigAsync())["services"];
        var compose = ComposeNodes(services);
        var script = ScriptNodes();

        Assert.Equal(
            script.Select(n => Shape(n, script, n.Flag("--config"))),
            compose.Select(n => Shape(n, compose, MountSource((YamlMappingNode)services[n.Name], n.Flag("--config")))));
        foreach (var node in compose)
        {
            Assert.True(Address((YamlMappingNode)services[node.Name]) == IPEndPoint.Parse(node.Flag("--remoting")).Address.ToString(), $"{node.Name}: --remoting is not the container's address");
        }
    }

    [SkippableFact]
    public async Task PrometheusConfig_MountedInCompose_ScrapesEveryNode()
    {
        var services = (YamlMappingNode)(await ComposeConfigAsync())["services"];
        var prometheusYml = Path.Combine(ClusterConfig, "prometheus.yml");
        Assert.Equal(prometheusYml, MountSource((YamlMappingNode)services["prometheus"], "/etc/prometheus/prometheus.yml"));

        var prometheus = Parse(await File.ReadAllTextAsync(prometheusYml));
        var targets = ((YamlSequenceNode)prometheus["scrape_configs"])
            .SelectMany(job => (YamlSequenceNode)job["static_configs"])
            .SelectMany(group => Strings(group["targets"]));
        Assert.Equal(ComposeNodes(services).Select(n => $"{n.Name}:{Port(n.Flag("--api-address"))}").Order(), targets.Order());
    }

    [SkippableFact]
    public async Task GrafanaInCompose_ProvisionsTheDashboardOnTheComposePrometheus()
    {
        var grafana = (YamlMappingNode)((YamlMappingNode)(await ComposeConfigAsync())["services"])["grafana"];
        var provisioning = Path.Combine(ClusterConfig, "grafana", "provisioning");

        Assert.Equal(provisioning, MountSource(grafana, "/etc/grafana/provisioning"));
        Assert.Equal(Path.Combine(ClusterConfig, "grafana", "actordns.json"), MountSource(grafana, "/var/lib/grafana/dashboards/actordns.json"));
        var dashboards = Parse(await File.ReadAllTextAsync(Path.Combine(provisioning, "dashboards", "actordns.yml")));
        Assert.Equal("/var/lib/grafana/dashboards", Text(dashboards["providers"][0]["options"]["path"]));
        var source = Parse(await File.ReadAllTextAsync(Path.Combine(provisioning, "datasources", "prometheus.yml")))["datasources"][0];
        Assert.Equal("http://prometheus:9090", Text(source["url"]));
        Assert.Equal(GrafanaDashboard.DataSourceUid, Text(source["uid"]));
        Assert.All(GrafanaDashboard.Load().Panels, panel => Assert.Equal(GrafanaDashboard.DataSourceUid, panel.DataSourceUid));
    }

    /// <summary>An <c>actordns</c> node: its role, its number within the role (from 1) and its flags.</summary>
    private sealed record Node(string Name, string Role, int Ordinal, ILookup<string, string> Flags)
    {
        public string Id => $"{Role} {Ordinal}";

        public string Flag(string name) => Assert.Single(Flags[name]);
    }

    /// <summary>What a script node and its compose counterpart share; a record of text, so a failure prints the whole node.</summary>
    private sealed record NodeShape(string Node, string Flags, int RemotingPort, string LastOctet, int ApiPort, string Seeds, string Config, string Dns, string Journal);

    /// <summary>
    /// Seeds as the nodes they name (role and number) and the journal without its host, so loopback and
    /// container addresses compare equal; <paramref name="config"/> is the host file behind <c>--config</c>.
    /// </summary>
    private static NodeShape Shape(Node node, List<Node> cluster, string config) => new(
        node.Id,
        string.Join(' ', node.Flags.Select(f => f.Key).Order(StringComparer.Ordinal)),
        Port(node.Flag("--remoting")),
        IPEndPoint.Parse(node.Flag("--remoting")).Address.ToString().Split('.')[^1],
        Port(node.Flag("--api-address")),
        string.Join(' ', node.Flags["--seed-node"].Select(seed => cluster.Single(n => $"akka.tcp://actordns@{n.Flag("--remoting")}" == seed).Id)),
        config,
        string.Join(' ', node.Flags["--dns-address"].Select(a => $"{Port(a.Split('=')[0])}={a.Split('=')[1]}")),
        string.Join(' ', node.Flags["--journal"].Select(j => string.Join(';', Journal(j).Remove("Host")))));

    private static List<Node> ComposeNodes(YamlMappingNode services) =>
        services.Children
            .Where(s => ((YamlMappingNode)s.Value).Children.TryGetValue("command", out var command) && command is YamlSequenceNode)
            .Select(s => (Name: s.Key.ToString(), Args: Strings(s.Value["command"])))
            .Where(s => s.Args[0] is "control-plane" or "resolver")
            .OrderBy(s => s.Args[0], StringComparer.Ordinal).ThenBy(s => s.Name, StringComparer.Ordinal)
            .GroupBy(s => s.Args[0])
            .SelectMany(role => role.Select((s, i) => new Node(s.Name, role.Key, i + 1, Flags(s.Args))))
            .ToList();

    /// <summary>
    /// The nodes local-cluster.sh starts: each <c>for i in ...</c> loop runs one role, with <c>$ip</c>, <c>$i</c>,
    /// <c>$here</c>, the <c>seeds</c> array and the literal <c>name="value"</c> variables expanded as the shell would.
    /// </summary>
    private static List<Node> ScriptNodes()
    {
        var script = File.ReadAllText(Path.Combine(ClusterConfig, "local-cluster.sh"));
        var seeds = Regex.Match(script, @"^seeds=\((.*)\)$", RegexOptions.Multiline).Groups[1].Value;
        var variables = Regex.Matches(script, @"^(?<name>\w+)=""(?<value>[^""$]*)""$", RegexOptions.Multiline);
        var loops = Regex.Matches(script, @"for i in (?<ids>[\d ]+); do\s+ip=(?<ip>\S+)\s+""\$\{actordns\[@\]\}"" (?<role>[\w-]+) (?<args>[^>]*)>");
        Assert.NotEmpty(loops);
        return loops
            .SelectMany(loop => loop.Groups["ids"].Value.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select((id, n) =>
            {
                var args = variables
                    .Aggregate(loop.Groups["args"].Value, (text, v) => text.Replace($"\"${v.Groups["name"].Value}\"", v.Groups["value"].Value, StringComparison.Ordinal))
                    .Replace("\"${seeds[@]}\"", seeds, StringComparison.Ordinal)
                    .Replace("$ip", loop.Groups["ip"].Value.Replace("$i", id, StringComparison.Ordinal), StringComparison.Ordinal)
                    .Replace("$here", ClusterConfig, StringComparison.Ordinal)
                    .Replace("$i", id, StringComparison.Ordinal)
                    .Replace("\\\n", " ", StringComparison.Ordinal)
                    .Replace("\"", "", StringComparison.Ordinal);
                var role = loop.Groups["role"].Value;
                return new Node($"{role}{id}", role, n + 1, Flags(args.Split((char[])[' ', '\n'], StringSplitOptions.RemoveEmptyEntries)));
            }))
            .OrderBy(n => n.Role, StringComparer.Ordinal)
            .ToList();
    }

    /// <summary><c>--name value</c> and <c>--name=value</c> pairs; anything else (the command) is skipped.</summary>
    private static ILookup<string, string> Flags(IReadOnlyList<string> args)
    {
        var flags = new List<(string Name, string Value)>();
        for (var i = 0; i < args.Count; i++)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal))
            {
                continue;
            }

            var equals = args[i].IndexOf('=', StringComparison.Ordinal);
            flags.Add(equals > 0 ? (args[i][..equals], args[i][(equals + 1)..]) : (args[i], args[++i]));
        }

        return flags.ToLookup(f => f.Name, f => f.Value);
    }

    private static ImmutableSortedDictionary<string, string> Journal(string value)
    {
        Assert.StartsWith("postgres:", value, StringComparison.Ordinal);
        return value["postgres:".Length..].Split(';').Select(p => p.Split('=', 2)).ToImmutableSortedDictionary(p => p[0], p => p[1], StringComparer.Ordinal);
    }

    private static int Port(string endpoint) => IPEndPoint.Parse(endpoint).Port;

    private static string Address(YamlMappingNode service) => Text(service["networks"]["actordns"]["ipv4_address"]);

    /// <summary>The host file mounted at <paramref name="target"/> (short volume syntax, as <c>config</c> prints it).</summary>
    private static string MountSource(YamlMappingNode service, string target) =>
        Strings(service["volumes"]).Select(v => v.Split(':')).Single(v => v[1] == target)[0];

    private static string Text(YamlNode node) => ((YamlScalarNode)node).Value!;

    private static List<string> Strings(YamlNode node) => ((YamlSequenceNode)node).Select(Text).ToList();

    private static YamlMappingNode Parse(string yaml)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(yaml));
        return (YamlMappingNode)stream.Documents[0].RootNode;
    }

    /// <summary>The compose file as docker-compose resolves it (anchors merged, paths absolute); only stdout is parsed, so warnings do not matter.</summary>
    private static async Task<YamlMappingNode> ComposeConfigAsync()
    {
        var info = new ProcessStartInfo(Requires.Program("docker-compose", "docker-compose")) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add("-f");
        info.ArgumentList.Add(Path.Combine(Root, "docker-compose.yml"));
        info.ArgumentList.Add("config");
        using (var process = Process.Start(info)!)
        {
            var output = process.StandardOutput.ReadToEndAsync();
            var errors = process.StandardError.ReadToEndAsync();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            try
            {
                await process.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                throw new TimeoutException("docker-compose config did not finish within 60 s");
            }
            Assert.True(process.ExitCode == 0, $"docker-compose config exited with {process.ExitCode}:\n{await errors}");
            return Parse(await output);
        }
    }
}
