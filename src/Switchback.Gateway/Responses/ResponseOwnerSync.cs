using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Switchback.Gateway.Responses;

/// <summary>
/// Writes the owners <see cref="SharedResponseAffinity"/> queued as soon as any is queued (a failed write is retried after
/// <see cref="RetryAfter"/>), and prunes the store's owners every <see cref="PruneEvery"/> (every replica does; pruning is
/// idempotent). One loop each.
/// </summary>
internal sealed partial class ResponseOwnerSync(SharedResponseAffinity affinity, TimeProvider time, ILogger<ResponseOwnerSync> logger) : BackgroundService
{
    /// <summary>How long after a failed write the next is tried.</summary>
    public static readonly TimeSpan RetryAfter = TimeSpan.FromSeconds(1);

    /// <summary>How often the store's owners are pruned by age and count.</summary>
    public static readonly TimeSpan PruneEvery = TimeSpan.FromMinutes(5);

    protected override Task ExecuteAsync(CancellationToken stoppingToken) => Task.WhenAll(WriteLoopAsync(stoppingToken), PruneLoopAsync(stoppingToken));

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        try
        {
            // What is still queued goes up with the shutdown, so the other replicas keep finding it.
            await affinity.FlushAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
        }
    }

    private async Task WriteLoopAsync(CancellationToken stoppingToken)
    {
        try
        {
            var droppedSeen = 0L;
            while (await affinity.WaitToWriteAsync(stoppingToken))
            {
                if (affinity.Dropped is var dropped && dropped > droppedSeen)
                {
                    LogDropped(logger, dropped - droppedSeen, dropped);
                    droppedSeen = dropped;
                }

                if (await affinity.FlushAsync(stoppingToken) < 0)
                {
                    await Task.Delay(RetryAfter, time, stoppingToken);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task PruneLoopAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var deleted = await affinity.PruneAsync(stoppingToken);
                if (deleted > 0)
                {
                    LogPruned(logger, deleted);
                }

                await Task.Delay(PruneEvery, time, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                LogPruneFailed(logger, ex);
                try
                {
                    await Task.Delay(PruneEvery, time, stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Pruned {Owners} old response owners from the store")]
    private static partial void LogPruned(ILogger logger, long owners);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Pruning response owners in the store failed; retried later")]
    private static partial void LogPruneFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Count} response owners were dropped from the full write queue ({Total} since start): other replicas will not find them")]
    private static partial void LogDropped(ILogger logger, long count, long total);
}
