using Xunit;

namespace ActorDns.Testing;

/// <summary>
/// Awaits a condition that becomes true asynchronously (a metric, a health flag, an answer), re-checking until a
/// deadline, and fails the test with what was awaited and the last value seen when the deadline passes.
/// </summary>
public static class Eventually
{
    private static readonly TimeSpan Pause = TimeSpan.FromMilliseconds(20);

    public static Task TrueAsync(Func<Task<bool>> condition, TimeSpan timeout, string what) =>
        ValueAsync(condition, done => done, timeout, what);

    /// <summary>The first value of <paramref name="probe"/> that satisfies <paramref name="done"/>.</summary>
    public static async Task<T> ValueAsync<T>(Func<Task<T>> probe, Func<T, bool> done, TimeSpan timeout, string what, TimeSpan? pause = null)
    {
        using var deadline = new CancellationTokenSource(timeout);
        while (true)
        {
            var value = await probe();
            if (done(value))
            {
                return value;
            }

            try
            {
                await Task.Delay(pause ?? Pause, deadline.Token);
            }
            catch (OperationCanceledException)
            {
                Assert.Fail($"not within {timeout.TotalSeconds:0.###} s: {what} (last value: {value})");
            }
        }
    }
}
