using Microsoft.Extensions.Time.Testing;
using Switchback.Gateway.Health;

namespace Switchback.Gateway.Tests.Health;

public sealed class CircuitBreakerTests
{
    private readonly FakeTimeProvider time = new(new DateTimeOffset(2026, 3, 1, 10, 0, 0, TimeSpan.Zero));

    [Fact]
    public void RecordFailure_ThresholdReached_OpensThenHalfOpensAfterCoolDownThenClosesOnSuccess()
    {
        var breaker = new CircuitBreaker(new HealthOptions { FailureThreshold = 3, CoolDown = TimeSpan.FromSeconds(10) }, time);

        breaker.RecordFailure();
        breaker.RecordFailure();
        Assert.Equal((BreakerState.Closed, 2), (breaker.State, breaker.ConsecutiveFailures));
        breaker.RecordFailure();
        Assert.Equal(BreakerState.Open, breaker.State);
        Assert.False(breaker.AllowsRequests);

        breaker.RecordSuccess();
        Assert.Equal(BreakerState.Open, breaker.State);
        time.Advance(TimeSpan.FromSeconds(9.9));
        Assert.Equal(BreakerState.Open, breaker.State);
        time.Advance(TimeSpan.FromSeconds(0.1));
        Assert.Equal(BreakerState.HalfOpen, breaker.State);
        Assert.True(breaker.AllowsRequests);

        breaker.RecordSuccess();
        Assert.Equal((BreakerState.Closed, 0), (breaker.State, breaker.ConsecutiveFailures));
    }

    [Fact]
    public void RecordFailure_WhileHalfOpen_ReopensForAnotherCoolDown()
    {
        var breaker = new CircuitBreaker(new HealthOptions { FailureThreshold = 1, CoolDown = TimeSpan.FromSeconds(10) }, time);
        breaker.RecordFailure();
        time.Advance(TimeSpan.FromSeconds(10));
        Assert.Equal(BreakerState.HalfOpen, breaker.State);

        breaker.RecordFailure();

        Assert.Equal(BreakerState.Open, breaker.State);
        time.Advance(TimeSpan.FromSeconds(5));
        Assert.Equal(BreakerState.Open, breaker.State);
    }

    [Fact]
    public void Validate_BadSettings_NameTheSetting()
    {
        Assert.Contains("failure threshold", Assert.Throws<ArgumentException>(() => new HealthOptions { FailureThreshold = 0 }.Validate()).Message, StringComparison.Ordinal);
        Assert.Contains("probe interval", Assert.Throws<ArgumentException>(() => new HealthOptions { ProbeInterval = TimeSpan.Zero }.Validate()).Message, StringComparison.Ordinal);
        Assert.Contains("probe path", Assert.Throws<ArgumentException>(() => new HealthOptions { ProbePath = "models" }.Validate()).Message, StringComparison.Ordinal);
    }
}
