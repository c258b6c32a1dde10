using System.Text;
using System.Text.RegularExpressions;
using ActorDns.ControlPlane.Meshes;
using Prometheus;
using Xunit;

namespace ActorDns.ControlPlane.Tests.Meshes;

/// <summary>A promlint-style check of the control plane's metrics (SPEC §6: actordns_&lt;subsystem&gt;_&lt;name&gt;_&lt;unit&gt;).</summary>
public sealed partial class ControlPlaneMetricsTests
{
    [GeneratedRegex("^actordns_[a-z]+_[a-z0-9_]+$")]
    private static partial Regex Name();

    private static async Task<string> ScrapeAsync(CollectorRegistry registry)
    {
        using var stream = new MemoryStream();
        await registry.CollectAndExportAsTextAsync(stream);
        return Encoding.UTF8.GetString(stream.ToArray());
    }

    private static List<Collector> Collectors(ControlPlaneMetrics metrics) =>
        typeof(ControlPlaneMetrics).GetProperties()
            .Where(p => typeof(Collector).IsAssignableFrom(p.PropertyType))
            .Select(p => (Collector)p.GetValue(metrics)!)
            .ToList();

    [Fact]
    public async Task EveryMetric_NamedByTheRules_WithHelpInTheExport()
    {
        var registry = Metrics.NewCustomRegistry();
        var metrics = new ControlPlaneMetrics(Metrics.WithCustomRegistry(registry));
        var collectors = Collectors(metrics);
        foreach (var collector in collectors)
        {
            // A labelled family is exported once it has a series.
            _ = collector switch
            {
                Gauge g => g.WithLabels([.. g.LabelNames.Select(_ => "x")]).Value,
                Counter c => c.WithLabels([.. c.LabelNames.Select(_ => "x")]).Value,
                Histogram h => h.WithLabels([.. h.LabelNames.Select(_ => "x")]).Sum,
                _ => 0,
            };
        }

        var text = await ScrapeAsync(registry);

        Assert.Equal(15, collectors.Count);
        Assert.All(collectors, c =>
        {
            Assert.Matches(Name(), c.Name);
            Assert.Equal(c is Counter, c.Name.EndsWith("_total", StringComparison.Ordinal));
            Assert.True(c is not Histogram || c.Name.EndsWith("_seconds", StringComparison.Ordinal), c.Name);
            Assert.Matches($"(?m)^# HELP {c.Name} \\S.*$", text);
        });
    }

    [Fact]
    public async Task Latencies_BucketsStartAtHalfAMillisecond()
    {
        var registry = Metrics.NewCustomRegistry();
        var metrics = new ControlPlaneMetrics(Metrics.WithCustomRegistry(registry));

        metrics.CommandDuration.Observe(0.0003);
        metrics.Propagation.WithLabels("default").Observe(0.0003);
        var text = await ScrapeAsync(registry);

        Assert.Contains("actordns_mesh_command_duration_seconds_bucket{le=\"0.0005\"} 1", text, StringComparison.Ordinal);
        Assert.Contains("actordns_resolver_propagation_seconds_bucket{mesh=\"default\",le=\"0.0005\"} 1", text, StringComparison.Ordinal);
    }
}
