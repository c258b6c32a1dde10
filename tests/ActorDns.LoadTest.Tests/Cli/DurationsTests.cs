using ActorDns.LoadTest.Cli;
using Xunit;

namespace ActorDns.LoadTest.Tests.Cli;

public sealed class DurationsTests
{
    [Theory]
    [InlineData("20s", 20_000)]
    [InlineData("500ms", 500)]
    [InlineData("1.5m", 90_000)]
    [InlineData("2", 2_000)]
    [InlineData("0.25s", 250)]
    public void TryParse_Valid_GivesTheDuration(string text, double milliseconds)
    {
        Assert.True(Durations.TryParse(text, out var duration));
        Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), duration);
    }

    [Theory]
    [InlineData("")]
    [InlineData("s")]
    [InlineData("-1s")]
    [InlineData("10h")]
    [InlineData("1,5s")]
    public void TryParse_Invalid_IsFalse(string text) => Assert.False(Durations.TryParse(text, out _));
}
