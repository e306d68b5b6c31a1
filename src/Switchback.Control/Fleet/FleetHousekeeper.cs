using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Switchback.Storage.Fleet;

namespace Switchback.Control.Fleet;

/// <summary>
/// The leader's housekeeping, every <see cref="FleetOptions.ReportInterval"/>: a replica whose heartbeat count has not moved for
/// <see cref="FleetOptions.ReplicaTimeout"/> on this process's clock is marked lost (so the fleet's signals stop waiting for
/// it; what it ships later for judged seconds is dropped and counted by it); once a minute, signal windows older than
/// <see cref="FleetOptions.SignalRetention"/> and long-gone replicas are deleted. Thread-safe (one loop).
/// </summary>
internal sealed partial class FleetHousekeeper(
    IFleetStore store,
    ILeadership leadership,
    TimeProvider time,
    IOptions<FleetOptions> options,
    ILogger<FleetHousekeeper> logger) : BackgroundService
{
    private static readonly TimeSpan PruneEvery = TimeSpan.FromMinutes(1);

    private readonly Dictionary<string, (long Beats, long SeenAt)> seen = new(StringComparer.Ordinal);
    private long lastPrune;
    private long watchingFor = -1;

    /// <summary>One round (leader only): marks silent replicas lost and prunes old data.</summary>
    internal async Task StepAsync(CancellationToken ct)
    {
        if (!leadership.IsLeader || leadership.Fence is not { } fence)
        {
            return;
        }

        if (watchingFor != leadership.Elections)
        {
            // A new term watches afresh: its clock starts when it first sees each replica.
            watchingFor = leadership.Elections;
            seen.Clear();
        }

        var now = time.GetTimestamp();
        foreach (var replica in await store.ListReplicasAsync(ct))
        {
            if (replica.State != ReplicaState.Live)
            {
                seen.Remove(replica.Id);
                continue;
            }

            if (!seen.TryGetValue(replica.Id, out var last) || last.Beats != replica.Beats)
            {
                seen[replica.Id] = (replica.Beats, now);
                continue;
            }

            if (time.GetElapsedTime(last.SeenAt) >= options.Value.ReplicaTimeout
                && await store.MarkReplicaLostAsync(replica.Id, replica.Beats, fence, ct))
            {
                seen.Remove(replica.Id);
                LogLost(logger, replica.Id, replica.Address, (long)options.Value.ReplicaTimeout.TotalSeconds, replica.SignalsThrough);
            }
        }

        if (lastPrune == 0 || time.GetElapsedTime(lastPrune) >= PruneEvery)
        {
            lastPrune = now;
            var wall = time.GetUtcNow();
            var deleted = await store.PruneAsync((wall - options.Value.SignalRetention).ToUnixTimeSeconds(), wall - options.Value.ForgetReplicasAfter, ct);
            if (deleted > 0)
            {
                LogPruned(logger, deleted);
            }
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await StepAsync(stoppingToken);
            }
            catch (FencedException ex)
            {
                leadership.Lost(ex);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
            {
                LogFailed(logger, ex);
            }

            try
            {
                await Task.Delay(options.Value.ReportInterval, time, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Replica {Replica} ({Address}) sent no heartbeat for {Seconds} s: marked lost; the fleet's signals go on without it from second {SignalsThrough}")]
    private static partial void LogLost(ILogger logger, string replica, string address, long seconds, long signalsThrough);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Pruned {Windows} old signal windows")]
    private static partial void LogPruned(ILogger logger, long windows);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Fleet housekeeping failed; retried shortly")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}
