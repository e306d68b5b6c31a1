using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Switchback.Storage;

namespace Switchback.Control.Audit;

/// <summary>
/// Writes the audit head (<c>SEQ:HASH</c>) to the log at start-up and then every <see cref="AuditHeadLogOptions.Interval"/> on
/// the injected clock. Shipped logs keep those anchors outside the store, where someone who can rewrite the database cannot
/// reach them; <c>switchback audit verify --anchor</c> then proves the log was not cut short since. Stateless between ticks.
/// </summary>
internal sealed partial class AuditHeadLogger(IRegistryStore store, TimeProvider time, IOptions<AuditHeadLogOptions> options, ILogger<AuditHeadLogger> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            // The timer starts before the first line, so the interval counts from the start whatever the first write takes.
            var interval = options.Value.Interval;
            using var timer = interval > TimeSpan.Zero ? new PeriodicTimer(interval, time) : null;
            await LogHeadAsync(stoppingToken);
            if (timer is null)
            {
                return;
            }

            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                await LogHeadAsync(stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down.
        }
    }

    private async Task LogHeadAsync(CancellationToken ct)
    {
        try
        {
            if (await store.GetAuditHeadAsync(ct) is { } head)
            {
                LogHead(logger, head.Sequence, head.Hash, head.ToString());
            }
            else
            {
                LogEmpty(logger);
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            // The next tick tries again; a store that stays down shows in /readyz.
            LogFailed(logger, ex);
        }
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "Audit head: entry {Sequence}, hash {Hash} (anchor {Anchor})")]
    private static partial void LogHead(ILogger logger, long sequence, string hash, string anchor);

    [LoggerMessage(EventId = 2, Level = LogLevel.Information, Message = "Audit head: the audit log is empty")]
    private static partial void LogEmpty(ILogger logger);

    [LoggerMessage(EventId = 3, Level = LogLevel.Warning, Message = "Could not read the audit head")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}
