using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Switchback.Gateway.Health;

/// <summary>Probes every routed version every <see cref="HealthOptions.ProbeInterval"/> on the injected clock.</summary>
internal sealed class HealthProbeService(VersionHealthMonitor monitor, TimeProvider time, IOptions<HealthOptions> options) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.ProbeInterval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                await monitor.ProbeAllAsync(stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down.
        }
    }
}
