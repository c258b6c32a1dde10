using System.Collections.Concurrent;
using ActorDns.LoadTest.Dns;
using ActorDns.LoadTest.Measurement;
using ActorDns.Protocol;

namespace ActorDns.LoadTest.Churn;

/// <summary>
/// Runs <c>churn</c> mode. Services are registered on a fixed schedule (open loop: a slow PUT never delays
/// the next registration); each is followed on every resolver until resolvable, deleted once its lifetime
/// after the PUT's acknowledgement has passed (or once every resolver was polled, if later), and followed
/// again until gone. Whatever may still exist when the run ends or is interrupted is deleted.
/// </summary>
internal sealed class ChurnRun : IDisposable
{
    private static readonly TimeSpan CleanupTimeout = TimeSpan.FromSeconds(30);

    private readonly ChurnOptions _options;
    private readonly TextWriter _log;
    private readonly ControlPlaneClient _client;
    private readonly List<ResolverProber> _probers;

    // Dataplanes that may exist (PUT sent, DELETE not yet acknowledged) → the node they were sent to.
    private readonly ConcurrentDictionary<string, int> _live = new(StringComparer.Ordinal);

    public ChurnRun(ChurnOptions options, TextWriter log)
    {
        _options = options;
        _log = log;
        _client = new ControlPlaneClient(options.Apis, options.HttpTimeout);
        _probers = options.Resolvers.Select(r => new ResolverProber(r)).ToList();
    }

    public async Task<ChurnReport> RunAsync(CancellationToken token)
    {
        var snapshots = new VipSnapshots(_client, _options.Mesh, _options.ServicePrefix);
        using var stopSnapshots = CancellationTokenSource.CreateLinkedTokenSource(token);
        var snapshotting = snapshots.RunAsync(_options.VipSnapshotInterval, stopSnapshots.Token);
        var traces = new List<ServiceTrace>();
        var flows = new List<Task>();
        var schedule = new RateSchedule(Clock.Now, _options.Rate, _options.Duration);
        try
        {
            for (long i = 0; i < schedule.Count; i++)
            {
                await Clock.DelayUntilAsync(schedule.DueAt(i), token);
                var trace = new ServiceTrace(i, _options.ServiceName(i), _probers.Count);
                traces.Add(trace);
                flows.Add(FollowAsync(trace, token));
            }
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            // Interrupted: stop registering; the flows stop too, and clean-up below deletes what they left.
        }

        await Task.WhenAll(flows);
        await stopSnapshots.CancelAsync();
        await snapshotting;

        // After an interruption, services that no periodic snapshot caught yet still exist: look once more.
        await snapshots.TakeAsync(0, CancellationToken.None);
        var (cleaned, failed) = await CleanUpAsync();
        return ChurnReport.From(_options, traces, _client, snapshots, cleaned, failed, token.IsCancellationRequested);
    }

    public void Dispose()
    {
        foreach (var prober in _probers)
        {
            prober.Dispose();
        }

        _client.Dispose();
    }

    private string PathOf(string name) => $"meshes/{Uri.EscapeDataString(_options.Mesh)}/dataplanes/{Uri.EscapeDataString(name)}";

    private async Task FollowAsync(ServiceTrace trace, CancellationToken token)
    {
        var node = (int)(trace.Index % _options.Apis.Count);
        var path = PathOf(trace.Name);
        var resolveTimeout = Clock.ToTicks(_options.ResolveTimeout);
        try
        {
            _live[trace.Name] = node;
            trace.Put = await _client.PutAsync(node, path, DataplaneBody.Json(_options.Mesh, trace.Name, trace.Index), token);
            if (!trace.Put.Ok)
            {
                return;
            }

            var query = new QueryTemplate($"{trace.Name}.{_options.Domain}", DnsRecordType.A);
            trace.Resolved = await PollAllAsync(query, ProbeGoal.Resolvable, trace.Put.End + resolveTimeout, token);
            trace.Polled = true;
            await Clock.DelayUntilAsync(trace.Put.End + Clock.ToTicks(_options.Lifetime), token);
            trace.Delete = await _client.DeleteAsync(node, path, counted: true, token);
            if (!trace.Delete.Deleted)
            {
                return;
            }

            _live.TryRemove(trace.Name, out _);
            trace.Gone = await PollAllAsync(query, ProbeGoal.Gone, trace.Delete.End + resolveTimeout, token);
            trace.GonePolled = true;
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            // Interrupted; the trace keeps what was measured so far.
        }
    }

    private Task<ProbeAnswer?[]> PollAllAsync(QueryTemplate query, ProbeGoal goal, long deadline, CancellationToken token) =>
        Task.WhenAll(_probers.Select(p => p.WaitAsync(query, goal, deadline, token)));

    /// <summary>Deletes every Dataplane that may still exist; a 404 means it never did. Not cancellable: this is what Ctrl-C waits for.</summary>
    private async Task<(int Cleaned, int Failed)> CleanUpAsync()
    {
        var left = _live.ToArray();
        if (left.Length == 0)
        {
            return (0, 0);
        }

        _log.WriteLine($"cleaning up: deleting {left.Length} dataplanes");
        using var timeout = new CancellationTokenSource(CleanupTimeout);
        var cleaned = 0;
        await Parallel.ForEachAsync(left, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (entry, _) =>
        {
            try
            {
                var outcome = await _client.DeleteAsync(entry.Value, PathOf(entry.Key), counted: false, timeout.Token);
                if (outcome.Deleted || outcome.Status == 404)
                {
                    Interlocked.Increment(ref cleaned);
                }
            }
            catch (OperationCanceledException)
            {
                // Counted as failed below.
            }
        });
        return (cleaned, left.Length - cleaned);
    }
}
