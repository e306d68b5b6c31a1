using System.Threading.Channels;
using Microsoft.Extensions.Time.Testing;

namespace Switchback.UpstreamSim.Tests.Support;

/// <summary>A FakeTimeProvider that reports each timer's due time, so a test knows the code under test is waiting.</summary>
internal sealed class TimerWatchingTimeProvider : FakeTimeProvider
{
    private readonly Channel<TimeSpan> _dueTimes = Channel.CreateUnbounded<TimeSpan>();

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = base.CreateTimer(callback, state, dueTime, period);
        _dueTimes.Writer.TryWrite(dueTime);
        return timer;
    }

    /// <summary>The due time of the next timer created; the bound only guards against a hung test.</summary>
    public async Task<TimeSpan> NextTimerAsync() =>
        await _dueTimes.Reader.ReadAsync(TestContext.Current.CancellationToken).AsTask().WaitAsync(TimeSpan.FromSeconds(10));
}
