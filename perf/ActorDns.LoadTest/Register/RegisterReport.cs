using System.Globalization;
using ActorDns.LoadTest.Measurement;

namespace ActorDns.LoadTest.Register;

/// <summary>The result of a <c>register</c> run.</summary>
internal sealed record RegisterReport(
    string Mesh,
    int Concurrency,
    int Apis,
    long Registered,
    long Failed,
    double Seconds,
    double PerSecond,
    LatencySummary Put,
    IReadOnlyDictionary<string, long> Statuses,
    long Retries)
{
    public void Print(TextWriter output)
    {
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"register: mesh {Mesh}, {Concurrency} requests in flight over {Apis} API node(s)"));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  registered {Registered} in {Seconds:0.00} s = {PerSecond:0} services/s; {Failed} failed"));
        output.WriteLine($"  PUT        {Put.Describe()}");
        output.WriteLine($"  HTTP       {string.Join(", ", Statuses.Select(s => $"{s.Key}: {s.Value}"))}; retries {Retries}");
    }

    public int ExitCode() => Failed == 0 ? 0 : 1;
}
