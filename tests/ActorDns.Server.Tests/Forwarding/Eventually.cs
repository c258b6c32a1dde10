using Xunit;

namespace ActorDns.Server.Tests.Forwarding;

/// <summary>Awaits a condition that becomes true asynchronously (a metric, a health flag), re-checking until a deadline.</summary>
internal static class Eventually
{
    public static async Task TrueAsync(Func<Task<bool>> condition, TimeSpan timeout, string what)
    {
        using var deadline = new CancellationTokenSource(timeout);
        while (!await condition())
        {
            try
            {
                await Task.Delay(TimeSpan.FromMilliseconds(20), deadline.Token);
            }
            catch (OperationCanceledException)
            {
                Assert.Fail($"not within {timeout.TotalMilliseconds} ms: {what}");
            }
        }
    }
}
