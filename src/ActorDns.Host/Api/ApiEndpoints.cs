using System.Reflection;
using System.Text;
using ActorDns.Server.Metrics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Prometheus;

namespace ActorDns.Host.Api;

/// <summary>
/// The routes every role serves on <c>--api-address</c>: <c>/</c>, <c>/metrics</c>, the health checks (SPEC §2) and
/// <c>/config</c>, the tunables the node runs with (as Kuma's API server shows its configuration).
/// </summary>
public static class ApiEndpoints
{
    public static readonly string Version =
        typeof(ApiEndpoints).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0.0.0";

    /// <summary>
    /// <paramref name="template"/>: the Corefile template a node that serves DNS runs, shown by <c>/health/ready</c> as a
    /// second line (<c>corefile-template: SOURCE sha256:HEX</c>); null on a control-plane node.
    /// </summary>
    public static void MapCommon(WebApplication app, string role, CollectorRegistry registry, DnsServerMetrics dnsMetrics, Func<bool> ready, object config, Func<string?> template)
    {
        app.MapGet("/", () => Results.Json(new { product = "ActorDns", version = Version, role }));
        app.MapGet("/config", () => Results.Json(config));
        app.MapGet("/health/live", () => Results.Text("ok\n"));
        app.MapGet("/health/ready", () =>
        {
            var running = template() is { } line ? $"{line}\n" : "";
            return ready() ? Results.Text($"ok\n{running}") : Results.Text($"not ready\n{running}", statusCode: 503);
        });
        app.MapGet("/metrics", async (HttpContext context) =>
        {
            context.Response.ContentType = "text/plain; version=0.0.4; charset=utf-8";
            await registry.CollectAndExportAsTextAsync(context.Response.Body, context.RequestAborted);
            var histogram = new StringBuilder();
            dnsMetrics.WriteDurationHistogram(histogram);
            await context.Response.WriteAsync(histogram.ToString(), context.RequestAborted);
        });
    }
}
