using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.DependencyInjection;
using Prometheus;

namespace ActorDns.Host.Api;

/// <summary>
/// Bounds the changes a node has in flight (issue 15, a PUT storm): at most <see cref="InFlight"/> writes run, the
/// next <see cref="Queued"/> wait their turn, oldest first, and any beyond are answered 503 with <c>Retry-After: 1</c>
/// at once, so a storm costs a bounded amount of memory and the writes that are taken still finish in time. Reads,
/// health, metrics and the token routes are not limited (decision 0034).
/// </summary>
public static class ApiWriteLimit
{
    public const int InFlight = 256;

    public const int Queued = 256;

    public static IServiceCollection AddApiWriteLimit(this IServiceCollection services, IMetricFactory metrics)
    {
        var refused = metrics.CreateCounter("actordns_api_writes_refused_total",
            $"API changes answered 503 at once because {InFlight} were in flight and {Queued} waiting on this node.");
        return services.AddRateLimiter(options =>
        {
            options.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, bool>(context => IsLimited(context.Request)
                ? RateLimitPartition.GetConcurrencyLimiter(true, _ => new ConcurrencyLimiterOptions
                {
                    PermitLimit = InFlight,
                    QueueLimit = Queued,
                    QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
                })
                : RateLimitPartition.GetNoLimiter(false));
            options.OnRejected = async (rejected, _) =>
            {
                refused.Inc();
                rejected.HttpContext.Response.Headers.RetryAfter = "1";
                await ApiErrors.Unavailable($"this node has {InFlight + Queued} changes in flight or waiting; retry in a second")
                    .ExecuteAsync(rejected.HttpContext);
            };
        });
    }

    /// <summary>After authentication, so that requests refused for their token take no place.</summary>
    public static IApplicationBuilder UseApiWriteLimit(this IApplicationBuilder app) => app.UseRateLimiter();

    /// <summary>A change to resources; not a read, and not an admin's token request, which a storm must not hold up (a revocation least of all).</summary>
    private static bool IsLimited(HttpRequest request) =>
        !(HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method) || HttpMethods.IsOptions(request.Method)
            || request.Path.StartsWithSegments("/tokens", StringComparison.Ordinal));
}
