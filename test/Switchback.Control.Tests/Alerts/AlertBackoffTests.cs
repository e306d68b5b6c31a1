using Switchback.Control.Alerts;

namespace Switchback.Control.Tests.Alerts;

public sealed class AlertBackoffTests
{
    private static readonly AlertOptions Options = new();

    [Theory]
    [InlineData(1, 500)]
    [InlineData(2, 1000)]
    [InlineData(3, 2000)]
    [InlineData(7, 30000)]
    [InlineData(60, 30000)]
    public void Delay_Attempt_DoublesUpToTheCap(int attempt, int fullMs)
    {
        Assert.Equal(TimeSpan.FromMilliseconds(fullMs / 2.0), AlertBackoff.Delay(attempt, Options, 0));
        Assert.Equal(TimeSpan.FromMilliseconds(fullMs * 0.75), AlertBackoff.Delay(attempt, Options, 0.5));
    }

    [Fact]
    public void Delay_SeededRandom_StaysWithinHalfToFullAndVaries()
    {
        var random = new Random(7);
        var delays = Enumerable.Range(0, 200).Select(_ => AlertBackoff.Delay(2, Options, random.NextDouble())).ToList();

        Assert.All(delays, d => Assert.InRange(d, TimeSpan.FromMilliseconds(500), TimeSpan.FromMilliseconds(1000)));
        Assert.True(delays.Distinct().Count() > 100);
        Assert.All(delays, d => Assert.Equal(0, d.Ticks % TimeSpan.TicksPerMillisecond));
    }

    [Fact]
    public void Delay_RetryAfter_IsHonouredUpToTheCap()
    {
        Assert.Equal(TimeSpan.FromSeconds(12), AlertBackoff.Delay(1, Options, 0, TimeSpan.FromSeconds(12)));
        Assert.Equal(TimeSpan.FromSeconds(30), AlertBackoff.Delay(1, Options, 0, TimeSpan.FromHours(2)));
        Assert.Equal(TimeSpan.FromMilliseconds(250), AlertBackoff.Delay(1, Options, 0, TimeSpan.FromMilliseconds(10)));
    }
}
