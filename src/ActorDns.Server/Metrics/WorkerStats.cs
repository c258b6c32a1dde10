using System.Diagnostics;
using ActorDns.Protocol;

namespace ActorDns.Server.Metrics;

/// <summary>
/// The counters of one receive loop. A UDP loop is the only writer of its own instance and uses plain
/// increments: no lock, no interlocked instruction, no shared cache line per query. TCP connections and
/// forwarded replies share an instance in <see cref="Atomic"/> mode. <see cref="DnsServerMetrics"/> sums them at scrape time.
/// </summary>
public sealed class WorkerStats(string protocol, bool atomic)
{
    /// <summary>Upper bounds of the duration histogram, in seconds.</summary>
    public static readonly IReadOnlyList<double> DurationBounds =
        [0.000025, 0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

    internal static readonly string[] TypeLabels = ["A", "AAAA", "SOA", "NS", "ANY", "other"];

    private static readonly long[] DurationBoundTicks = [.. DurationBounds.Select(s => (long)(s * Stopwatch.Frequency))];

    internal readonly long[] Requests = new long[TypeLabels.Length];
    internal readonly long[] Responses = new long[32];
    internal readonly long[] DurationBuckets = new long[DurationBounds.Count + 1];
    internal long DurationTicks;
    internal long Dropped;
    internal long Forwarded;
    internal long Batches;

    public string Protocol { get; } = protocol;

    public bool Atomic { get; } = atomic;

    /// <summary>Counts one answered query: its type, the reply's rcode and the time since <paramref name="startTimestamp"/>.</summary>
    public void Answered(DnsRecordType type, DnsRcode rcode, long startTimestamp)
    {
        var elapsed = Stopwatch.GetTimestamp() - startTimestamp;
        var bucket = 0;
        while (bucket < DurationBoundTicks.Length && elapsed > DurationBoundTicks[bucket])
        {
            bucket++;
        }

        var typeIndex = type switch
        {
            DnsRecordType.A => 0,
            DnsRecordType.AAAA => 1,
            DnsRecordType.SOA => 2,
            DnsRecordType.NS => 3,
            DnsRecordType.ANY => 4,
            _ => 5,
        };
        Add(ref Requests[typeIndex], 1);
        Add(ref Responses[(int)rcode & 31], 1);
        Add(ref DurationBuckets[bucket], 1);
        Add(ref DurationTicks, elapsed);
    }

    public void Drop() => Add(ref Dropped, 1);

    public void Forward() => Add(ref Forwarded, 1);

    /// <summary>Counts one receive system call that returned datagrams (one per datagram without recvmmsg).</summary>
    public void Batch() => Add(ref Batches, 1);

    private void Add(ref long counter, long value)
    {
        if (Atomic)
        {
            Interlocked.Add(ref counter, value);
        }
        else
        {
            counter += value;
        }
    }
}
