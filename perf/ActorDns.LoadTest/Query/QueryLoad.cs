using ActorDns.LoadTest.Measurement;

namespace ActorDns.LoadTest.Query;

/// <summary>Runs <c>query</c> mode: opens the lanes, plays the schedule, waits for stragglers, reports.</summary>
internal static class QueryLoad
{
    /// <summary>Time between opening the lanes and the first query, so every sending thread is ready.</summary>
    private static readonly TimeSpan Lead = TimeSpan.FromMilliseconds(100);

    /// <summary>
    /// Blocks for the duration plus at most one timeout. Cancelling stops sending at once; replies to what
    /// was sent are still awaited. Throws <see cref="System.Net.Sockets.SocketException"/> when a TCP
    /// connection cannot be opened.
    /// </summary>
    public static QueryReport Run(QueryOptions options, CancellationToken token)
    {
        var mix = new QueryMix(options.Names, options.AaaaPercent);
        var count = options.LaneCount();
        var lanes = new List<QueryLane>(count);
        var schedule = default(RateSchedule);
        List<LaneResult> results;
        try
        {
            for (var i = 0; i < count; i++)
            {
                var server = options.Servers[i % options.Servers.Count];
                lanes.Add(options.Tcp
                    ? new TcpQueryLane(i, count, server, mix, options.Timeout, options.Seed)
                    : new UdpQueryLane(i, count, server, mix, options.Timeout, options.Seed));
            }

            schedule = new RateSchedule(Clock.Now + Clock.ToTicks(Lead), options.Rate, options.Duration);
            foreach (var lane in lanes)
            {
                lane.Start(schedule, token);
            }

            foreach (var lane in lanes)
            {
                lane.WaitForSender();
            }

            // Every query is sent; replies still in flight get up to the timeout, checked every few ms.
            var deadline = Clock.Now + Clock.ToTicks(options.Timeout);
            while (Clock.Now < deadline && lanes.Any(l => l.Outstanding > 0))
            {
                Thread.Sleep(5);
            }
        }
        finally
        {
            results = lanes.Select(l => l.Stop()).ToList();
        }

        return QueryReport.From(options, count, schedule, results, token.IsCancellationRequested);
    }
}
