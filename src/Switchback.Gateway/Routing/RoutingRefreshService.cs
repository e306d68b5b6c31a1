using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Switchback.Gateway.Hosting;

namespace Switchback.Gateway.Routing;

/// <summary>Loads the routing snapshot at start, then polls the store every <see cref="GatewayOptions.RefreshInterval"/> (on the injected clock).</summary>
internal sealed class RoutingRefreshService(RoutingSnapshotLoader loader, TimeProvider time, IOptions<GatewayOptions> options) : BackgroundService
{
    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        // The first snapshot is loaded before the server takes requests; a failure leaves an empty table and the poll retries.
        await loader.RefreshAsync(cancellationToken);
        await base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.RefreshInterval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
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
