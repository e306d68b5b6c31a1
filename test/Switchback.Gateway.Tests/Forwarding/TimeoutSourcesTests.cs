using Microsoft.Extensions.Time.Testing;
using Switchback.Gateway.Forwarding;

namespace Switchback.Gateway.Tests.Forwarding;

public sealed class TimeoutSourcesTests
{
    [Fact]
    public void Rent_OnTheSystemClock_ReusesAReturnedSourceThatDidNotFire()
    {
        var sources = new TimeoutSources(TimeProvider.System);
        var first = sources.Rent(TimeSpan.FromMinutes(5));
        sources.Return(first);

        var second = sources.Rent(TimeSpan.FromMinutes(5));

        Assert.Same(first, second);
        Assert.False(second.IsCancellationRequested);
    }

    [Fact]
    public async Task Rent_ReusedSource_StillCancelsAfterItsNewTimeout()
    {
        var sources = new TimeoutSources(TimeProvider.System);
        sources.Return(sources.Rent(TimeSpan.FromMinutes(5)));

        var source = sources.Rent(TimeSpan.FromMilliseconds(20));

        // Bounded wait for the timer to fire (not a timing assertion: only that it fires at all).
        var fired = new TaskCompletionSource();
        await using var registration = source.Token.Register(() => fired.TrySetResult());
        await fired.Task.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
        Assert.True(source.IsCancellationRequested);
    }

    [Fact]
    public async Task Return_OfASourceThatTimedOut_IsNeverHandedOutAgain()
    {
        var sources = new TimeoutSources(TimeProvider.System);
        var expired = sources.Rent(TimeSpan.FromMilliseconds(1));
        var fired = new TaskCompletionSource();
        await using (expired.Token.Register(() => fired.TrySetResult()))
        {
            await fired.Task.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
        }

        sources.Return(expired);
        var next = sources.Rent(TimeSpan.FromMinutes(5));

        Assert.NotSame(expired, next);
        Assert.False(next.IsCancellationRequested);
    }

    [Fact]
    public void Rent_OnAnInjectedClock_CancelsWhenTheClockPassesTheTimeoutAndIsNotReused()
    {
        var time = new FakeTimeProvider();
        var sources = new TimeoutSources(time);
        var first = sources.Rent(TimeSpan.FromSeconds(10));
        time.Advance(TimeSpan.FromSeconds(9));
        Assert.False(first.IsCancellationRequested);
        sources.Return(first);

        // A source on a custom clock cannot be reset safely, so it is disposed and a fresh one issued; the old timer
        // firing later cancels nothing that is in use.
        var second = sources.Rent(TimeSpan.FromSeconds(10));
        time.Advance(TimeSpan.FromSeconds(2));
        Assert.NotSame(first, second);
        Assert.False(second.IsCancellationRequested);
        time.Advance(TimeSpan.FromSeconds(8));
        Assert.True(second.IsCancellationRequested);
    }
}
