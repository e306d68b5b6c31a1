using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Switchback.Gateway.Routing;
using Switchback.Storage.Fleet;

namespace Switchback.Control.Fleet;

/// <summary>
/// Keeps this replica's routing in step with the store within milliseconds (docs/fleet.md "routing to every replica"): it runs
/// the store's listener, reloads the routing snapshot on every routing notification (coalesced: one reload covers all that
/// arrived meanwhile) and after every reconnect, and records each applied epoch in the store, which tells replicas waiting
/// for a rollback to propagate. The gateway's 1 s poll stays as the fallback. Wakes the leader on control notifications.
/// Thread-safe (one loop; notification handlers only set signals).
/// </summary>
internal sealed partial class RoutingFollower(
    IFleetStore store,
    RoutingSnapshotLoader loader,
    ReplicaIdentity identity,
    ILeadership leadership,
    TimeProvider time,
    ILogger<RoutingFollower> logger) : BackgroundService
{
    private readonly WorkSignal changed = new();
    private readonly WorkSignal appliedSignal = new();
    private long reportedEpoch;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var routing = store.Notifications.Subscribe(StoreChannels.Routing, _ => changed.Set());
        using var resync = store.Notifications.Subscribe(StoreNotifications.Resync, _ => changed.Set());
        using var control = store.Notifications.Subscribe(StoreChannels.Control, _ => leadership.Poke());
        loader.Applied += OnApplied;
        try
        {
            await Task.WhenAll(store.ListenAsync(stoppingToken), ReloadLoopAsync(stoppingToken), ReportLoopAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down.
        }
        finally
        {
            loader.Applied -= OnApplied;
        }
    }

    private void OnApplied(long epoch) => appliedSignal.Set();

    private async Task ReloadLoopAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            await changed.WaitAsync(Timeout.InfiniteTimeSpan, time, ct);
            await loader.RefreshAsync(ct);
        }
    }

    private async Task ReportLoopAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            await appliedSignal.WaitAsync(TimeSpan.FromSeconds(1), time, ct);
            var epoch = loader.AppliedEpoch;
            if (epoch <= reportedEpoch)
            {
                continue;
            }

            try
            {
                await store.ReportRoutingAppliedAsync(identity.Id, epoch, loader.AppliedAt ?? time.GetUtcNow(), ct);
                reportedEpoch = epoch;
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
            {
                LogReportFailed(logger, ex, identity.Id, epoch);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Replica {Replica} could not record that it applies routing epoch {Epoch}; retried")]
    private static partial void LogReportFailed(ILogger logger, Exception exception, string replica, long epoch);
}
