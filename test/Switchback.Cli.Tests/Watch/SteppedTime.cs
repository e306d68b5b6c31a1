using Microsoft.Extensions.Time.Testing;

namespace Switchback.Cli.Tests.Watch;

/// <summary>A <see cref="FakeTimeProvider"/> that tells when code under test starts waiting on a timer, so a test advances time only then.</summary>
internal sealed class SteppedTime() : FakeTimeProvider(new DateTimeOffset(2026, 12, 3, 17, 46, 15, TimeSpan.Zero))
{
    private readonly SemaphoreSlim created = new(0);

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = base.CreateTimer(callback, state, dueTime, period);
        created.Release();
        return timer;
    }

    /// <summary>Advances by <paramref name="step"/> each time <paramref name="run"/> waits on a timer, until it ends (at most 10 s of real time).</summary>
    public async Task<T> DriveAsync<T>(Task<T> run, TimeSpan step)
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (!run.IsCompleted)
        {
            var waiting = created.WaitAsync(deadline.Token);
            if (await Task.WhenAny(run, waiting) == run)
            {
                break;
            }

            await waiting;
            Advance(step);
        }

        return await run;
    }

    /// <summary>Waits until code under test waits on a timer (at most 10 s of real time).</summary>
    public Task WaitingAsync() => created.WaitAsync(TimeSpan.FromSeconds(10));
}
