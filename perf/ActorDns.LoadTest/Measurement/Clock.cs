using System.Diagnostics;

namespace ActorDns.LoadTest.Measurement;

/// <summary>Conversions between <see cref="Stopwatch"/> timestamps (the only clock the harness reads) and durations.</summary>
internal static class Clock
{
    private static readonly double NanosecondsPerTick = 1e9 / Stopwatch.Frequency;

    public static long Now => Stopwatch.GetTimestamp();

    public static long ToNanoseconds(long ticks) => (long)(ticks * NanosecondsPerTick);

    public static long ToTicks(TimeSpan duration) => (long)(duration.TotalSeconds * Stopwatch.Frequency);

    public static TimeSpan ToTimeSpan(long ticks) => Stopwatch.GetElapsedTime(0, ticks);

    /// <summary>Waits until the timestamp <paramref name="due"/> (timer precision, about a millisecond).</summary>
    public static async Task DelayUntilAsync(long due, CancellationToken token)
    {
        var remaining = ToTimeSpan(due - Now);
        if (remaining > TimeSpan.Zero)
        {
            await Task.Delay(remaining, token);
        }

        token.ThrowIfCancellationRequested();
    }
}
