using ActorDns.LoadTest.Churn;
using ActorDns.LoadTest.Measurement;

namespace ActorDns.LoadTest.Register;

/// <summary>
/// Sustained registration through the API: each worker PUTs the next new Dataplane as soon as its previous
/// one is acknowledged, round-robin over the control-plane nodes. The rate is acknowledged services per
/// second of wall time; the services are deleted afterwards (untimed) unless kept.
/// </summary>
internal sealed class RegisterRun(RegisterOptions options, TextWriter log) : IDisposable
{
    private readonly ControlPlaneClient _api = new(options.Apis, options.HttpTimeout);

    public async Task<RegisterReport> RunAsync(CancellationToken token)
    {
        var next = -1;
        var started = Clock.Now;
        var workers = Enumerable.Range(0, options.Concurrency).Select(_ => Task.Run(async () =>
        {
            var latency = new LatencyHistogram();
            var failed = 0L;
            int i;
            while ((i = Interlocked.Increment(ref next)) < options.Count && !token.IsCancellationRequested)
            {
                var name = options.ServicePrefix + i;
                var outcome = await _api.PutAsync(i, Path(name), DataplaneBody.Json(options.Mesh, name, i), token);
                if (outcome.Ok)
                {
                    latency.Record(Clock.ToNanoseconds(outcome.End - outcome.Start));
                }
                else
                {
                    failed++;
                }
            }

            return (latency, failed);
        }, CancellationToken.None)).ToList();
        var results = await Task.WhenAll(workers);
        var elapsed = Clock.ToTimeSpan(Clock.Now - started);
        var latencies = LatencyHistogram.Sum(results.Select(r => r.latency));
        var report = new RegisterReport(options.Mesh, options.Concurrency, options.Apis.Count, latencies.Count, results.Sum(r => r.failed),
            elapsed.TotalSeconds, latencies.Count / elapsed.TotalSeconds, LatencySummary.Of(latencies), _api.Statuses, _api.Retries);
        if (!options.Keep)
        {
            await DeleteAllAsync(Math.Min(options.Count, next + 1));
        }

        return report;
    }

    public void Dispose() => _api.Dispose();

    private string Path(string name) => $"meshes/{options.Mesh}/dataplanes/{name}";

    /// <summary>Deletes what may have been created, also after Ctrl-C; a 404 is fine.</summary>
    private async Task DeleteAllAsync(int created)
    {
        log.WriteLine($"register: deleting {created} services");
        var next = -1;
        await Task.WhenAll(Enumerable.Range(0, options.Concurrency).Select(_ => Task.Run(async () =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < created)
            {
                await _api.DeleteAsync(i, Path(options.ServicePrefix + i), counted: false, CancellationToken.None);
            }
        })));
    }
}
