using System.Globalization;
using System.Text.Json.Serialization;
using ActorDns.LoadTest.Dns;
using ActorDns.LoadTest.Measurement;

namespace ActorDns.LoadTest.Churn;

/// <summary>The result of a churn run; latencies in milliseconds, counts of services unless said otherwise.</summary>
internal sealed record ChurnReport(
    string RunId,
    string Mesh,
    IReadOnlyList<string> Apis,
    IReadOnlyList<string> Resolvers,
    double Rate,
    double DurationSeconds,
    double LifetimeSeconds,
    double ResolveTimeoutSeconds,
    bool Interrupted,
    long Started,
    long Registered,
    long PutFailed,
    long Deleted,
    long DeleteFailed,
    LatencySummary Put,
    LatencySummary Delete,
    IReadOnlyDictionary<string, long> HttpStatuses,
    long HttpErrors,
    long HttpRetries,
    IReadOnlyList<ResolverChurnResult> PerResolver,
    long MissingAnswers,
    long WrongAnswers,
    IReadOnlyList<string> WrongAnswerDetails,
    long VipsVerified,
    long VipsUnverified,
    long CleanedUp,
    long CleanupFailed)
{
    private const int DetailLimit = 50;

    [JsonPropertyOrder(-1)]
    public string Mode => "churn";

    public static ChurnReport From(ChurnOptions options, IReadOnlyList<ServiceTrace> traces, ControlPlaneClient client, VipSnapshots snapshots, int cleaned, int cleanupFailed, bool interrupted)
    {
        var resolvers = options.Resolvers.Select(r => r.ToString()).ToList();
        var verdict = AnswerCheck.Verify(traces, resolvers, snapshots.Vips, snapshots.Changes);
        var perResolver = resolvers.Select((name, i) => ForResolver(name, i, traces)).ToList();
        var statuses = client.Statuses;
        return new ChurnReport(
            options.RunId,
            options.Mesh,
            options.Apis.Select(a => a.ToString()).ToList(),
            resolvers,
            options.Rate,
            options.Duration.TotalSeconds,
            options.Lifetime.TotalSeconds,
            options.ResolveTimeout.TotalSeconds,
            interrupted,
            traces.Count,
            traces.Count(t => t.Put?.Ok == true),
            traces.Count(t => t.Put is { Ok: false }),
            traces.Count(t => t.Delete?.Deleted == true),
            traces.Count(t => t.Delete is { Deleted: false }),
            Summary(traces.Where(t => t.Put?.Ok == true).Select(t => t.Put!.End - t.Put.Start)),
            Summary(traces.Where(t => t.Delete?.Deleted == true).Select(t => t.Delete!.End - t.Delete.Start)),
            statuses,
            statuses.Where(s => !IsSuccess(s.Key)).Sum(s => s.Value),
            client.Retries,
            perResolver,
            perResolver.Sum(r => r.Missing),
            verdict.Wrong.Count,
            verdict.Wrong.Take(DetailLimit).ToList(),
            verdict.Verified,
            verdict.Unverified,
            cleaned,
            cleanupFailed);
    }

    /// <summary>1 when any resolver gave a wrong answer, 130 when interrupted, else 0.</summary>
    public int ExitCode() => WrongAnswers > 0 ? 1 : Interrupted ? 130 : 0;

    public void Print(TextWriter output)
    {
        var c = CultureInfo.InvariantCulture;
        output.WriteLine(string.Create(c, $"churn: run {RunId}, mesh {Mesh}, {Rate} registrations/s for {DurationSeconds} s, lifetime {LifetimeSeconds} s, APIs {string.Join(", ", Apis)}{(Interrupted ? " (interrupted)" : "")}"));
        output.WriteLine(string.Create(c, $"  services   {Started} started, {Registered} registered, {PutFailed} PUT failed, {Deleted} deleted, {DeleteFailed} DELETE failed"));
        output.WriteLine($"  PUT        {Put.DescribeShort()}");
        output.WriteLine($"  DELETE     {Delete.DescribeShort()}");
        output.WriteLine(string.Create(c, $"  HTTP       {string.Join(", ", HttpStatuses.Select(s => $"{s.Key}: {s.Value}"))}; errors {HttpErrors}, retries {HttpRetries}"));
        foreach (var resolver in PerResolver)
        {
            output.WriteLine($"  resolver {resolver.Resolver}");
            output.WriteLine(string.Create(c, $"    PUT ack → resolvable    {resolver.Resolvable.DescribeShort()}, never {resolver.Missing}"));
            output.WriteLine($"    PUT start → resolvable  {resolver.ResolvableFromPutStart.DescribeShort()}");
            output.WriteLine(string.Create(c, $"    DELETE ack → gone       {resolver.Gone.DescribeShort()}, never {resolver.GoneMissing}; gone as {(resolver.GoneRcodes.Count == 0 ? "-" : string.Join(", ", resolver.GoneRcodes.Select(r => $"{r.Key} {r.Value}")))}"));
        }

        output.WriteLine(string.Create(c, $"  answers    {VipsVerified} checked against /vips, {VipsUnverified} only across resolvers; {MissingAnswers} missing, {WrongAnswers} wrong"));
        foreach (var detail in WrongAnswerDetails)
        {
            output.WriteLine($"    wrong: {detail}");
        }

        output.WriteLine(string.Create(c, $"  clean-up   {CleanedUp} deleted at the end, {CleanupFailed} failed"));
        output.WriteLine(WrongAnswers > 0 ? $"FAIL: {WrongAnswers} wrong answers" : "OK: no wrong answers");
    }

    private static ResolverChurnResult ForResolver(string name, int resolver, IReadOnlyList<ServiceTrace> traces)
    {
        var polled = traces.Where(t => t.Polled).ToList();
        var gonePolled = traces.Where(t => t.GonePolled).ToList();
        var goneRcodes = gonePolled.Select(t => t.Gone[resolver]).OfType<ProbeAnswer>()
            .GroupBy(a => RcodeName.Of((int)a.Rcode))
            .ToDictionary(g => g.Key, g => (long)g.Count());
        return new ResolverChurnResult(
            name,
            Summary(polled.Where(t => t.Resolved[resolver] is not null).Select(t => t.Resolved[resolver]!.At - t.Put!.End)),
            Summary(polled.Where(t => t.Resolved[resolver] is not null).Select(t => t.Resolved[resolver]!.At - t.Put!.Start)),
            polled.Count(t => t.Resolved[resolver] is null),
            Summary(gonePolled.Where(t => t.Gone[resolver] is not null).Select(t => t.Gone[resolver]!.At - t.Delete!.End)),
            gonePolled.Count(t => t.Gone[resolver] is null),
            new SortedDictionary<string, long>(goneRcodes, StringComparer.Ordinal));
    }

    private static LatencySummary Summary(IEnumerable<long> ticks)
    {
        var histogram = new LatencyHistogram();
        foreach (var value in ticks)
        {
            histogram.Record(Clock.ToNanoseconds(value));
        }

        return LatencySummary.Of(histogram);
    }

    private static bool IsSuccess(string status) => status.Split(' ')[1] is ['2', _, _];
}
