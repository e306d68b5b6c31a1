using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Switchback.Control.Audit;
using Switchback.Core.Access;
using Switchback.Storage;

namespace Switchback.Control.Tests.Audit;

/// <summary>The audit head written to the log at start-up and on an interval of the injected clock (issue 17).</summary>
public sealed class AuditHeadLoggerTests : IAsyncLifetime
{
    private readonly string folder = Path.Combine(Path.GetTempPath(), "sb-audit-head-" + Guid.NewGuid().ToString("N"));
    private readonly FakeTimeProvider time = new(new DateTimeOffset(2026, 3, 1, 10, 0, 0, TimeSpan.Zero));
    private readonly LineLogger logger = new();
    private IRegistryStore store = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        Directory.CreateDirectory(folder);
        store = RegistryStoreFactory.Create("sqlite:" + Path.Combine(folder, "registry.db"), time);
        await store.MigrateAsync(Ct);
        await store.CreateKeyAsync("admin", Role.Admin, "sha256:aa", new AuditContext("bootstrap"), Ct);
    }

    public async ValueTask DisposeAsync()
    {
        await store.DisposeAsync();
        Directory.Delete(folder, recursive: true);
    }

    [Fact]
    public async Task Start_LogsTheHead_ThenOncePerInterval_WithTheHeadOfThatMoment()
    {
        using var service = Create(TimeSpan.FromHours(1));
        await service.StartAsync(Ct);
        var first = await logger.WaitForLineAsync(1);
        var anchorAtStart = (await store.GetAuditHeadAsync(Ct))!;
        await store.CreateKeyAsync("ci", Role.Operator, "sha256:bb", new AuditContext("admin"), Ct);

        time.Advance(TimeSpan.FromMinutes(59));
        Assert.Single(logger.Lines);
        time.Advance(TimeSpan.FromMinutes(1));
        var second = await logger.WaitForLineAsync(2);
        time.Advance(TimeSpan.FromHours(1));
        var third = await logger.WaitForLineAsync(3);
        await service.StopAsync(Ct);

        var anchorNow = (await store.GetAuditHeadAsync(Ct))!;
        Assert.Equal($"Audit head: entry 1, hash {anchorAtStart.Hash} (anchor {anchorAtStart})", first);
        Assert.Equal($"Audit head: entry 2, hash {anchorNow.Hash} (anchor {anchorNow})", second);
        Assert.Equal(second, third);
    }

    [Fact]
    public async Task ZeroInterval_LogsTheHeadOnlyAtStart()
    {
        using var service = Create(TimeSpan.Zero);
        await service.StartAsync(Ct);
        await logger.WaitForLineAsync(1);

        await service.ExecuteTask!.WaitAsync(TimeSpan.FromSeconds(30), Ct);
        time.Advance(TimeSpan.FromDays(2));

        Assert.Single(logger.Lines);
    }

    private AuditHeadLogger Create(TimeSpan interval)
        => new(store, time, Options.Create(new AuditHeadLogOptions { Interval = interval }), logger);

    /// <summary>Keeps each formatted line and lets a test await the Nth.</summary>
    private sealed class LineLogger : ILogger<AuditHeadLogger>
    {
        private readonly Lock gate = new();
        private readonly List<string> lines = [];
        private readonly List<(int Count, TaskCompletionSource<string> Reached)> waiters = [];

        public IReadOnlyList<string> Lines
        {
            get
            {
                lock (gate)
                {
                    return [.. lines];
                }
            }
        }

        public Task<string> WaitForLineAsync(int count)
        {
            lock (gate)
            {
                if (lines.Count >= count)
                {
                    return Task.FromResult(lines[count - 1]);
                }

                var reached = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
                waiters.Add((count, reached));
                return reached.Task.WaitAsync(TimeSpan.FromSeconds(30));
            }
        }

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            lock (gate)
            {
                lines.Add(formatter(state, exception));
                foreach (var waiter in waiters.Where(w => w.Count == lines.Count).ToList())
                {
                    waiter.Reached.SetResult(lines[^1]);
                    waiters.Remove(waiter);
                }
            }
        }
    }
}
