using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Switchback.Control.Rollouts;

namespace Switchback.Control.Tests.Rollouts;

/// <summary>The controller while its store is gone (issue 17): it must neither throw out of a tick nor end its hosted service.</summary>
public sealed class StoreOutageTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Tick_StoreFileDeleted_DoesNotThrow_AndTheRoutingStaysAsItWas()
    {
        await using var h = new ControllerHarness();
        await h.InitializeAsync();
        await h.StartAsync(ControllerHarness.Spec("""
            steps:
              - canary: { weight: 10, duration: 10s }
              - canary: { weight: 100 }
            """));
        var routed = h.Routed;

        DeleteStoreFiles(h.StorePath);
        await h.SecondAsync();
        await h.SecondAsync();

        Assert.False(await h.Store.PingAsync(Ct));
        Assert.Equal(routed, h.Routed);
    }

    [Fact]
    public async Task HostedController_StartedWhileTheStoreFileIsGone_KeepsRunningAndRetriesEachTick()
    {
        await using var h = new ControllerHarness();
        await h.InitializeAsync();
        var failures = new FailureLog();
        h.Services.GetRequiredService<ILoggerFactory>().AddProvider(failures);
        DeleteStoreFiles(h.StorePath);

        // The controller creates its timer before its first (failing) attempt, so each Advance after a logged failure reaches it.
        await h.Controller.StartAsync(Ct);
        var running = h.Controller.ExecuteTask!;
        for (var attempt = 1; attempt <= 3; attempt++)
        {
            // Either this attempt logged its failure, or the service ended: the bug this test is for.
            await Task.WhenAny(failures.WaitForAsync(attempt), running).WaitAsync(TimeSpan.FromSeconds(30), Ct);
            Assert.False(running.IsCompleted, running.Exception?.ToString());
            h.Time.Advance(RolloutController.TickInterval);
        }

        await h.Controller.StopAsync(Ct);
    }

    /// <summary>Counts the controller's "could not be read from the store" lines and lets a test await the Nth.</summary>
    private sealed class FailureLog : ILoggerProvider, ILogger
    {
        private readonly Lock gate = new();
        private readonly List<(int Count, TaskCompletionSource Reached)> waiters = [];
        private int count;

        public Task WaitForAsync(int n)
        {
            lock (gate)
            {
                if (count >= n)
                {
                    return Task.CompletedTask;
                }

                var reached = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                waiters.Add((n, reached));
                return reached.Task;
            }
        }

        public ILogger CreateLogger(string categoryName) => this;

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!formatter(state, exception).Contains("could not be read from the store", StringComparison.Ordinal))
            {
                return;
            }

            lock (gate)
            {
                count++;
                foreach (var waiter in waiters.Where(w => w.Count <= count).ToList())
                {
                    waiter.Reached.SetResult();
                    waiters.Remove(waiter);
                }
            }
        }

        public void Dispose()
        {
        }
    }

    private static void DeleteStoreFiles(string path)
    {
        foreach (var suffix in new[] { string.Empty, "-wal", "-shm" })
        {
            File.Delete(path + suffix);
        }
    }
}
