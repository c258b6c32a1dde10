using System.Runtime.InteropServices;

namespace ActorDns.LoadTest.Measurement;

/// <summary>
/// Sleeps until a Stopwatch timestamp with sub-millisecond precision without spinning a core (the server
/// under test usually shares the machine). <see cref="Thread.Sleep(int)"/> has millisecond granularity,
/// which would add up to a millisecond to every measured latency; on Linux the last stretch is slept with
/// <c>nanosleep</c>, with the thread's timer slack lowered from 50 µs to 1 µs.
/// </summary>
internal static partial class PreciseDelay
{
    private const int PrSetTimerSlack = 29;

    /// <summary>Call once on a sending thread before its first <see cref="Until"/>.</summary>
    public static void PrepareThread()
    {
        if (OperatingSystem.IsLinux())
        {
            _ = Prctl(PrSetTimerSlack, 1_000, 0, 0, 0);
        }
    }

    /// <summary>Returns at or just after <paramref name="due"/>, or as soon as <paramref name="token"/> is cancelled.</summary>
    public static void Until(long due, CancellationToken token)
    {
        while (!token.IsCancellationRequested)
        {
            var remaining = Clock.ToNanoseconds(due - Clock.Now);
            if (remaining <= 0)
            {
                return;
            }

            if (remaining > 2_000_000)
            {
                // Coarse part: wake up a millisecond early, and at least every 100 ms to see a cancellation.
                Thread.Sleep((int)Math.Min((remaining / 1_000_000) - 1, 100));
            }
            else if (OperatingSystem.IsLinux())
            {
                var request = new Timespec { Seconds = 0, Nanoseconds = (nint)remaining };
                _ = Nanosleep(in request, 0);
            }
            else
            {
                Thread.Yield();
            }
        }
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct Timespec
    {
        public nint Seconds;
        public nint Nanoseconds;
    }

    [LibraryImport("libc", EntryPoint = "nanosleep")]
    private static partial int Nanosleep(in Timespec request, nint remaining);

    [LibraryImport("libc", EntryPoint = "prctl")]
    private static partial int Prctl(int option, nuint arg2, nuint arg3, nuint arg4, nuint arg5);
}
