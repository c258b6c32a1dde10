using System.Diagnostics;
using ActorDns.LoadTest.Measurement;
using Xunit;

namespace ActorDns.LoadTest.Tests.Measurement;

public sealed class RateScheduleTests
{
    private const long Start = 1_000_000;

    [Theory]
    [InlineData(2000, 1.0, 2000)]
    [InlineData(5000, 5.0, 25000)]
    [InlineData(3, 1.0, 3)]
    [InlineData(10, 0.25, 3)]
    [InlineData(0.5, 3.0, 2)]
    [InlineData(20, 10.0, 200)]
    public void Count_RateAndDuration_IsEveryEventDueBeforeTheEnd(double rate, double seconds, long expected)
    {
        var duration = TimeSpan.FromSeconds(seconds);
        var schedule = new RateSchedule(Start, rate, duration);

        Assert.Equal(expected, schedule.Count);
        var end = Start + (long)(seconds * Stopwatch.Frequency);
        Assert.True(schedule.DueAt(schedule.Count - 1) < end);
        Assert.True(schedule.DueAt(schedule.Count) >= end - 1);
    }

    [Fact]
    public void DueAt_EventI_IsIOverRateAfterStart()
    {
        var schedule = new RateSchedule(Start, 2000, TimeSpan.FromSeconds(1));

        Assert.Equal(Start, schedule.DueAt(0));
        Assert.InRange(schedule.DueAt(1000) - Start - (Stopwatch.Frequency / 2), -1, 1);
        Assert.InRange(schedule.DueAt(1) - Start - (Stopwatch.Frequency / 2000), -1, 1);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(4)]
    [InlineData(7)]
    public void Lane_AllLanes_CoverEveryEventExactlyOnce(int lanes)
    {
        var schedule = new RateSchedule(Start, 1000, TimeSpan.FromSeconds(1.003));

        var covered = Enumerable.Range(0, lanes).SelectMany(lane => schedule.Lane(lane, lanes)).Order().ToList();

        Assert.Equal(Enumerable.Range(0, (int)schedule.Count).Select(i => (long)i), covered);
    }

    [Fact]
    public void Lane_OneOfFour_IsEvenlySpacedAtAQuarterOfTheRate()
    {
        var schedule = new RateSchedule(Start, 4000, TimeSpan.FromSeconds(1));
        var due = schedule.Lane(2, 4).Select(schedule.DueAt).ToList();

        var gaps = due.Zip(due.Skip(1), (a, b) => b - a).Distinct().ToList();

        Assert.Equal(1000, due.Count);
        Assert.All(gaps, gap => Assert.InRange(gap, (Stopwatch.Frequency / 1000) - 1, (Stopwatch.Frequency / 1000) + 1));
    }

    [Fact]
    public void Constructor_ZeroRate_Throws() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new RateSchedule(Start, 0, TimeSpan.FromSeconds(1)));
}
