using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace ActorDns.Host.Tests.Support;

/// <summary>The HTTP API of a real Prometheus server (<c>/api/v1/…</c>).</summary>
public sealed class PrometheusApi(Uri address) : IDisposable
{
    private readonly HttpClient _http = new() { BaseAddress = address, Timeout = TimeSpan.FromSeconds(10) };

    /// <summary>An instant query: the result vector, or the error Prometheus gives (bad syntax, bad types).</summary>
    public async Task<(IReadOnlyList<JsonNode> Result, string? Error)> QueryAsync(string promql)
    {
        using var response = await _http.GetAsync($"api/v1/query?query={Uri.EscapeDataString(promql)}");
        var body = (await response.Content.ReadFromJsonAsync<JsonNode>())!;
        return body["status"]!.GetValue<string>() == "success"
            ? (body["data"]!["result"]!.AsArray().Select(r => r!).ToList(), null)
            : ([], $"{body["errorType"]}: {body["error"]}");
    }

    /// <summary>Every metric name Prometheus holds a series of.</summary>
    public async Task<HashSet<string>> MetricNamesAsync()
    {
        var body = (await _http.GetFromJsonAsync<JsonNode>("api/v1/label/__name__/values"))!;
        return body["data"]!.AsArray().Select(n => n!.GetValue<string>()).ToHashSet(StringComparer.Ordinal);
    }

    public void Dispose() => _http.Dispose();
}
