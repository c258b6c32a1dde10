using System.Globalization;
using System.Text.Json.Serialization;
using ActorDns.LoadTest.Dns;
using ActorDns.LoadTest.Measurement;

namespace ActorDns.LoadTest.Query;

/// <summary>
/// The result of a query run. <see cref="Lost"/> = sent − answered: no reply, a reply after the timeout
/// (also counted in <see cref="Late"/>), or only replies with the wrong question. Latencies run from each
/// query's scheduled send time; <see cref="SendLag"/> shows how late the harness itself sent.
/// </summary>
internal sealed record QueryReport(
    string Transport,
    IReadOnlyList<string> Servers,
    int Sockets,
    int Names,
    double TargetRate,
    double DurationSeconds,
    int AaaaPercent,
    int Seed,
    double TimeoutMs,
    bool Interrupted,
    long Sent,
    long SendErrors,
    long Answered,
    long Lost,
    double LossPercent,
    long Late,
    long Unmatched,
    long WrongQuestion,
    long Reconnects,
    double AchievedRate,
    IReadOnlyDictionary<string, long> Rcodes,
    LatencySummary Latency,
    LatencySummary SendLag,
    IReadOnlyList<ServerResult> PerServer)
{
    [JsonPropertyOrder(-1)]
    public string Mode => "query";

    public static QueryReport From(QueryOptions options, int sockets, RateSchedule schedule, IReadOnlyList<LaneResult> lanes, bool interrupted)
    {
        var latency = LatencyHistogram.Sum(lanes.Select(l => l.Latency));
        var sent = lanes.Sum(l => l.Sent);
        var answered = lanes.Sum(l => l.Answered);
        var rcodes = new SortedDictionary<string, long>(StringComparer.Ordinal);
        for (var rcode = 0; rcode < 16; rcode++)
        {
            var count = lanes.Sum(l => l.Rcodes[rcode]);
            if (count > 0)
            {
                rcodes[RcodeName.Of(rcode)] = count;
            }
        }

        // Sending window: from the first due time to the last send, plus the one interval that follows it.
        var lastSend = lanes.Max(l => l.LastSendAt);
        var window = Clock.ToTimeSpan(lastSend - schedule.Start).TotalSeconds + (1 / options.Rate);
        return new QueryReport(
            options.Tcp ? "tcp" : "udp",
            options.Servers.Select(s => s.ToString()).ToList(),
            sockets,
            options.Names.Count,
            options.Rate,
            options.Duration.TotalSeconds,
            options.AaaaPercent,
            options.Seed,
            options.Timeout.TotalMilliseconds,
            interrupted,
            sent,
            lanes.Sum(l => l.SendErrors),
            answered,
            sent - answered,
            sent == 0 ? 0 : Math.Round(100.0 * (sent - answered) / sent, 4),
            lanes.Sum(l => l.Late),
            lanes.Sum(l => l.Unmatched),
            lanes.Sum(l => l.WrongQuestion),
            lanes.Sum(l => l.Reconnects),
            window > 0 ? Math.Round(sent / window, 1) : 0,
            rcodes,
            LatencySummary.Of(latency),
            LatencySummary.Of(LatencyHistogram.Sum(lanes.Select(l => l.SendLag))),
            lanes.GroupBy(l => l.Server).Select(g => new ServerResult(
                g.Key.ToString(),
                g.Sum(l => l.Sent),
                g.Sum(l => l.Answered),
                g.Sum(l => l.Sent - l.Answered),
                LatencySummary.Of(LatencyHistogram.Sum(g.Select(l => l.Latency))))).ToList());
    }

    /// <summary>1 when a reply carried the wrong question (the server is wrong, not slow), 130 when interrupted, else 0.</summary>
    public int ExitCode() => WrongQuestion > 0 ? 1 : Interrupted ? 130 : 0;

    public void Print(TextWriter output)
    {
        var invariant = CultureInfo.InvariantCulture;
        output.WriteLine(string.Create(invariant, $"query: {Transport} to {string.Join(", ", Servers)} over {Sockets} sockets, {TargetRate} q/s for {DurationSeconds} s, {Names} names, {AaaaPercent}% AAAA, seed {Seed}, timeout {TimeoutMs} ms{(Interrupted ? " (interrupted)" : "")}"));
        output.WriteLine(string.Create(invariant, $"  sent       {Sent} ({AchievedRate:0.0}/s achieved){(SendErrors > 0 ? $", {SendErrors} send errors" : "")}"));
        output.WriteLine(string.Create(invariant, $"  answered   {Answered}"));
        output.WriteLine(string.Create(invariant, $"  lost       {Lost} ({LossPercent:0.000} %), of which late {Late}"));
        output.WriteLine(string.Create(invariant, $"  unmatched  {Unmatched} replies, wrong question {WrongQuestion}{(Transport == "tcp" ? $", reconnects {Reconnects}" : "")}"));
        output.WriteLine($"  rcodes     {(Rcodes.Count == 0 ? "-" : string.Join("  ", Rcodes.Select(r => $"{r.Key} {r.Value}")))}");
        output.WriteLine($"  latency    {Latency.Describe()}");
        output.WriteLine($"  send lag   {SendLag.Describe()}");
        if (PerServer.Count > 1)
        {
            foreach (var server in PerServer)
            {
                output.WriteLine(string.Create(invariant, $"  {server.Server}: sent {server.Sent}, answered {server.Answered}, lost {server.Lost}; {server.Latency.DescribeShort()}"));
            }
        }

        if (WrongQuestion > 0)
        {
            output.WriteLine($"FAIL: {WrongQuestion} replies carried a question other than the query's");
        }
    }
}
