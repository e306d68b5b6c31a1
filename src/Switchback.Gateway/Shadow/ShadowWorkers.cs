using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Switchback.Gateway.Shadow;

/// <summary>A pool of <see cref="ShadowOptions.Workers"/> tasks that drain the <see cref="ShadowQueue"/> until shutdown.</summary>
internal sealed partial class ShadowWorkers(ShadowQueue queue, ShadowSender sender, IOptions<ShadowOptions> options, ILogger<ShadowWorkers> logger) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken)
        => Task.WhenAll(Enumerable.Range(0, options.Value.Workers).Select(_ => Task.Run(() => RunAsync(stoppingToken), stoppingToken)));

    private async Task RunAsync(CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var job in queue.Reader.ReadAllAsync(stoppingToken))
            {
                try
                {
                    await sender.SendAsync(job, stoppingToken);
                }
                catch (Exception ex) when (ex is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
                {
                    // A shadow failure is the shadow's problem: log it and keep the worker alive.
                    LogShadowFailed(logger, ex, job.Shadow.Deployment, job.Shadow.Version);
                }
                finally
                {
                    queue.MarkCompleted();
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down: queued copies are abandoned, as a mirror may be.
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "shadow request to {Deployment}@{Version} failed")]
    private static partial void LogShadowFailed(ILogger logger, Exception exception, string deployment, int version);
}
