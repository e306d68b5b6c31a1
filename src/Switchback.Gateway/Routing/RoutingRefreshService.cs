using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Switchback.Gateway.Hosting;

namespace Switchback.Gateway.Routing;

/// <summary>Loads the routing snapshot at start, then polls the store every <see cref="GatewayOptions.RefreshInterval"/> (on the injected clock).</summary>
internal sealed class RoutingRefreshService(RoutingSnapshotLoader loader, TimeProvider time, IOptions<GatewayOptions> options) : BackgroundService
{
    private PeriodicTimer? timer;

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        // The first snapshot is loaded before the server takes requests; a failure leaves an empty table and the poll retries.
        await loader.RefreshAsync(cancellationToken);

        // Created here rather than in ExecuteAsync (which runs on another thread) so the period starts when start-up ends.
        timer = new PeriodicTimer(options.Value.RefreshInterval, time);
        await base.StartAsync(cancellationToken);
    }

    public override void Dispose()
    {
        timer?.Dispose();
        base.Dispose();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            while (await timer!.WaitForNextTickAsync(stoppingToken))
            {
                await loader.RefreshAsync(stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down.
        }
    }
}
