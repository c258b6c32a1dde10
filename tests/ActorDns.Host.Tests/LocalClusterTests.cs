using System.Diagnostics;
using System.Net;
using System.Text.RegularExpressions;
using ActorDns.Host.Tests.Support;
using ActorDns.Testing.Dns;
using ActorDns.Testing;
using DnsClient;
using Xunit;

namespace ActorDns.Host.Tests;

/// <summary>
/// cluster-config/local-cluster.sh --with-prometheus as a user runs it (three control-plane nodes on PostgreSQL,
/// two resolvers on 127.0.0.11–22, Prometheus from the Debian package) with some traffic: Prometheus scrapes
/// every node and holds the key series, every node's /metrics passes <c>promtool check metrics</c>, and every
/// query of the Grafana dashboard runs on that Prometheus and names only series the nodes export.
/// </summary>
[Collection(ProcessClusters.Name)]
public sealed partial class LocalClusterTests(LocalClusterTests.Fixture cluster) : IClassFixture<LocalClusterTests.Fixture>
{
    private static readonly TimeSpan ScrapeWait = TimeSpan.FromSeconds(40);

    public sealed class Fixture : IAsyncLifetime
    {
        public static readonly IPEndPoint[] ControlPlanes = [.. new[] { 11, 12, 13 }.Select(n => new IPEndPoint(IPAddress.Parse($"127.0.0.{n}"), 5681))];
        public static readonly IPEndPoint[] ResolverApis = [.. new[] { 21, 22 }.Select(n => new IPEndPoint(IPAddress.Parse($"127.0.0.{n}"), 9153))];
        public static readonly IPEndPoint[] ResolverDns = [.. new[] { 21, 22 }.Select(n => new IPEndPoint(IPAddress.Parse($"127.0.0.{n}"), 15053))];

        private readonly string _work = Directory.CreateTempSubdirectory("actordns-local-cluster-").FullName;
        private Process? _script;
        private TestPostgresSchema? _schema;

        /// <summary>Why the topology could not be started on this machine, or null when it runs.</summary>
        public string? Missing { get; private set; }

        public Uri Prometheus { get; } = new($"http://127.0.0.1:{FreePort.Next()}/");

        /// <summary>Answers every name with 192.0.2.7, except <c>silent.*</c>, which it never answers (an upstream timeout).</summary>
        public FakeUpstream Upstream { get; } = new(IPAddress.Loopback, q => q.QName.StartsWith("silent.", StringComparison.Ordinal)
            ? FakeUpstream.Reply.None
            : FakeUpstream.AnswerA(IPAddress.Parse("192.0.2.7"))(q));

        public async Task InitializeAsync()
        {
            Missing = ExecutablePath.Find("prometheus") is null ? "'prometheus' is not on PATH (Debian package prometheus; ./test.sh installs it)"
                : ExecutablePath.Find("promtool") is null ? "'promtool' is not on PATH (Debian package prometheus)"
                : ExecutablePath.Find("curl") is null ? "'curl' is not on PATH (Debian package curl; local-cluster.sh uses it)"
                : string.IsNullOrEmpty(Environment.GetEnvironmentVariable("ACTORDNS_TEST_POSTGRES")) ? "ACTORDNS_TEST_POSTGRES is not set: no PostgreSQL server (./test.sh starts one)"
                : null;
            if (Missing is not null)
            {
                return;
            }

            _schema = await TestPostgresSchema.CreateAsync("localcluster");
            var info = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            info.ArgumentList.Add(RepositoryRoot.Combine("cluster-config", "local-cluster.sh"));
            info.ArgumentList.Add("--with-prometheus");
            info.Environment["WORK"] = _work;
            info.Environment["ACTORDNS"] = Path.Combine(AppContext.BaseDirectory, "actordns.dll");
            info.Environment["JOURNAL"] = _schema.Journal;
            info.Environment["UPSTREAM"] = Upstream.Endpoint.ToString();
            info.Environment["PROMETHEUS_ADDRESS"] = Prometheus.Authority;
            _script = Process.Start(info)!;
            var up = new TaskCompletionSource();
            var log = new System.Text.StringBuilder();
            void Line(string? line)
            {
                lock (log)
                {
                    log.AppendLine(line);
                }

                if (line?.StartsWith("ActorDns cluster is up", StringComparison.Ordinal) == true)
                {
                    up.TrySetResult();
                }
            }

            _script.OutputDataReceived += (_, e) => Line(e.Data);
            _script.ErrorDataReceived += (_, e) => Line(e.Data);
            _script.BeginOutputReadLine();
            _script.BeginErrorReadLine();
            var finished = await Task.WhenAny(up.Task, _script.WaitForExitAsync(), Task.Delay(TimeSpan.FromSeconds(120)));
            if (finished != up.Task)
            {
                lock (log)
                {
                    throw new InvalidOperationException($"local-cluster.sh did not come up:\n{log}\n{Logs()}");
                }
            }

            await TrafficAsync();
        }

        /// <summary>
        /// A registration through one node, changes until both resolvers have received one as a delta, and queries
        /// to both resolvers: mesh names, forwarded ones and an upstream timeout.
        /// </summary>
        private async Task TrafficAsync()
        {
            using (var api = new ApiTestClient(ControlPlanes[1], Token))
            {
                Assert.Equal(HttpStatusCode.Created, await api.PutAsync("meshes/default/dataplanes/backend-0", ApiTestClient.Dataplane("default", "backend-0", "backend-0")));
            }

            await DeltaPropagation.AwaitAsync(ControlPlanes[1], Token, [.. ResolverDns.Zip(ResolverApis)], TimeSpan.FromSeconds(90));
            foreach (var resolver in ResolverDns)
            {
                var client = new LookupClient(new LookupClientOptions(new NameServer(resolver)) { UseCache = false, Retries = 0, Timeout = TimeSpan.FromSeconds(6) });
                Assert.Single((await client.QueryAsync("backend-0.mesh", QueryType.A)).Answers.ARecords());
                await client.QueryAsync("backend-0.mesh", QueryType.AAAA);
                await client.QueryAsync("nowhere.mesh", QueryType.A);
                await client.QueryAsync("example.org", QueryType.A);
                await client.QueryAsync("silent.example.org", QueryType.A);
            }
        }

        /// <summary>The admin token node 1 wrote; the nodes share the script's signing key, so it is good on all three.</summary>
        public string Token => ClusterCredentials.AdminToken(Path.Combine(_work, "cp1"));

        public string Logs() => string.Join("\n", Directory.GetFiles(_work, "*.log").Order(StringComparer.Ordinal)
            .Select(f => $"--- {Path.GetFileName(f)} (last lines)\n{string.Join('\n', File.ReadLines(f).TakeLast(15))}"));

        public async Task DisposeAsync()
        {
            if (_script is not null)
            {
                // local-cluster.sh stops every process it started (by PID) on TERM.
                Process.Start("kill", ["-TERM", _script.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])!.WaitForExit();
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
                await _script.WaitForExitAsync(timeout.Token);
                _script.Dispose();
            }

            if (_schema is not null)
            {
                await _schema.DisposeAsync();
            }

            Upstream.Dispose();
            Directory.Delete(_work, recursive: true);
        }
    }

    [SkippableFact]
    public async Task Prometheus_ScrapesEveryNodeUp_AndHoldsTheKeySeries()
    {
        Requires.Missing(cluster.Missing is not null, cluster.Missing!);
        using var prometheus = new PrometheusApi(cluster.Prometheus);

        var up = await Eventually.ValueAsync(
            async () => (await prometheus.QueryAsync("up == 1")).Result.Select(r => $"{r["metric"]!["job"]} {r["metric"]!["instance"]}").Order().ToList(),
            nodes => nodes.Count == 5, ScrapeWait, "every node scraped and up", TimeSpan.FromSeconds(1));
        Assert.Equal(
            [.. Fixture.ControlPlanes.Select(a => $"control-plane {a}"), .. Fixture.ResolverApis.Select(a => $"resolver {a}")],
            up);

        string[] perResolver =
        [
            "actordns_dns_requests_total",
            "actordns_dns_forwarded_requests_total",
            "actordns_resolver_table_version",
            "actordns_resolver_propagation_seconds_count",
        ];
        foreach (var metric in perResolver)
        {
            await Eventually.ValueAsync(
                async () => (await prometheus.QueryAsync($"count by (instance) ({metric}{{job=\"resolver\"}})")).Result.Count,
                n => n == 2, ScrapeWait, $"{metric} from both resolvers", TimeSpan.FromSeconds(1));
        }

        string[] perMeshOnTheControlPlane = ["actordns_vip_addresses_used", "actordns_vip_allocations_total", "actordns_zone_version"];
        foreach (var metric in perMeshOnTheControlPlane)
        {
            await Eventually.ValueAsync(
                async () => (await prometheus.QueryAsync($"max by (mesh) ({metric}{{job=\"control-plane\",mesh=\"default\"}}) > 0")).Result.Count,
                n => n == 1, ScrapeWait, $"{metric} of mesh default from the control plane", TimeSpan.FromSeconds(1));
        }

        await Eventually.ValueAsync(
            async () => (await prometheus.QueryAsync("sum(actordns_mesh_command_duration_seconds_count{job=\"control-plane\"}) > 0")).Result.Count,
            n => n == 1, ScrapeWait, "the registration counted by actordns_mesh_command_duration_seconds", TimeSpan.FromSeconds(1));
    }

    [SkippableFact]
    public async Task EveryNodesMetrics_PassPromtoolCheckMetrics()
    {
        Requires.Missing(cluster.Missing is not null, cluster.Missing!);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };

        foreach (var node in Fixture.ControlPlanes.Concat(Fixture.ResolverApis))
        {
            var metrics = await http.GetStringAsync($"http://{node}/metrics");
            var info = new ProcessStartInfo(Requires.Program("promtool", "prometheus"), ["check", "metrics"])
            {
                RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
            };
            using var promtool = Process.Start(info)!;
            await promtool.StandardInput.WriteAsync(metrics);
            promtool.StandardInput.Close();
            var problems = await promtool.StandardOutput.ReadToEndAsync() + await promtool.StandardError.ReadToEndAsync();
            await promtool.WaitForExitAsync();

            Assert.Contains("actordns_", metrics, StringComparison.Ordinal);
            Assert.True(promtool.ExitCode == 0 && problems.Trim().Length == 0, $"{node}/metrics: promtool check metrics exited {promtool.ExitCode}:\n{problems}");
        }
    }

    [SkippableFact]
    public async Task GrafanaDashboard_EveryPanelQuery_RunsAndNamesOnlyExportedSeries()
    {
        Requires.Missing(cluster.Missing is not null, cluster.Missing!);
        using var prometheus = new PrometheusApi(cluster.Prometheus);
        var dashboard = GrafanaDashboard.Load();
        // The traffic of the fixture has been scraped once every node's propagation histogram is there.
        await Eventually.ValueAsync(
            async () => (await prometheus.QueryAsync("count(actordns_resolver_propagation_seconds_count) + count(actordns_forward_failures_total)")).Result.Count,
            n => n == 1, ScrapeWait, "the fixture's traffic scraped", TimeSpan.FromSeconds(1));
        var exported = await prometheus.MetricNamesAsync();

        var problems = new List<string>();
        foreach (var panel in dashboard.Panels)
        {
            foreach (var expression in panel.Expressions)
            {
                var (_, error) = await prometheus.QueryAsync(GrafanaDashboard.ForPrometheus(expression));
                if (error is not null)
                {
                    problems.Add($"{panel.Title}: {expression}: {error}");
                }

                problems.AddRange(MetricName().Matches(expression).Select(m => m.Value).Where(name => !exported.Contains(name))
                    .Select(name => $"{panel.Title}: {name} is exported by no node"));
            }
        }

        Assert.NotEmpty(dashboard.Panels);
        Assert.True(problems.Count == 0, string.Join('\n', problems));
    }

    /// <summary>A metric name in a PromQL expression: ours, or Prometheus's own <c>up</c>.</summary>
    [GeneratedRegex(@"\b(actordns_[a-z0-9_]+|up)\b(?=\s*[{\[)])")]
    private static partial Regex MetricName();
}
