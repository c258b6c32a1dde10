using System.Text.Json.Nodes;
using ActorDns.Testing;

namespace ActorDns.Host.Tests.Support;

/// <summary>cluster-config/grafana/actordns.json as the tests read it: each panel's data source and PromQL expressions.</summary>
public sealed record GrafanaDashboard(IReadOnlyList<GrafanaDashboard.Panel> Panels)
{
    /// <summary>The uid of the Prometheus data source that docker-compose provisions.</summary>
    public const string DataSourceUid = "prometheus";

    public sealed record Panel(string Title, string? DataSourceUid, IReadOnlyList<string> Expressions);

    public static GrafanaDashboard Load()
    {
        var root = JsonNode.Parse(File.ReadAllText(RepositoryRoot.Combine("cluster-config", "grafana", "actordns.json")))!;
        return new GrafanaDashboard(root["panels"]!.AsArray().Select(p => new Panel(
            p!["title"]!.GetValue<string>(),
            p["datasource"]?["uid"]?.GetValue<string>(),
            p["targets"]!.AsArray().Select(t => t!["expr"]!.GetValue<string>()).ToList())).ToList());
    }

    /// <summary>
    /// An expression as Prometheus itself can run it: Grafana's <c>$__rate_interval</c> becomes 1m (four scrapes of
    /// 5 s and more, as Grafana would choose for this scrape interval).
    /// </summary>
    public static string ForPrometheus(string expression) => expression.Replace("$__rate_interval", "1m", StringComparison.Ordinal);
}
