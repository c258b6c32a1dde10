using System.Diagnostics;

namespace ActorDns.LoadTest.Measurement;

/// <summary>
/// An open-loop schedule: event <c>i</c> is due at <c>Start + i / Rate</c>, whatever happened to the events
/// before it, for every <c>i</c> due before <c>Start + duration</c>. Senders measure latency from
/// <see cref="DueAt"/>, not from when they managed to send, so a stalled sender or server shows up in the
/// latencies instead of silently lowering the load (coordinated omission).
/// </summary>
internal readonly record struct RateSchedule
{
    public RateSchedule(long start, double rate, TimeSpan duration)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(rate);
        ArgumentOutOfRangeException.ThrowIfNegative(duration.Ticks);
        Start = start;
        Rate = rate;
        // i / rate < duration ⇔ i < rate × duration; the epsilon keeps 2000 × 1 s at 2000 despite rounding.
        Count = (long)Math.Ceiling((rate * duration.TotalSeconds) - 1e-9);
    }

    /// <summary>Stopwatch timestamp of event 0.</summary>
    public long Start { get; }

    /// <summary>Events per second.</summary>
    public double Rate { get; }

    /// <summary>Number of events in the schedule.</summary>
    public long Count { get; }

    /// <summary>Stopwatch timestamp at which event <paramref name="index"/> is due.</summary>
    public long DueAt(long index) => Start + (long)(index * (Stopwatch.Frequency / Rate));

    /// <summary>
    /// The events of lane <paramref name="lane"/> out of <paramref name="lanes"/> (every lanes-th one, from
    /// <paramref name="lane"/>): lanes together cover the schedule exactly once and each stays evenly spaced.
    /// </summary>
    public IEnumerable<long> Lane(int lane, int lanes)
    {
        for (long i = lane; i < Count; i += lanes)
        {
            yield return i;
        }
    }
}
