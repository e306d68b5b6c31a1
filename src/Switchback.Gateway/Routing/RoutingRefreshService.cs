using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Switchback.Gateway.Hosting;

namespace Switchback.Gateway.Routing;

/// <summary>
/// Loads the routing snapshot (and the fleet's request-id key) at start, then polls the store every
/// <see cref="GatewayOptions.RefreshInterval"/> (on the injected clock); a key that could not be loaded is tried again each poll.
/// </summary>
internal sealed class RoutingRefreshService(
    RoutingSnapshotLoader loader,
    Storage.Fleet.IFleetStore store,
    Signals.RequestIds ids,
    TimeProvider time,
    IOptions<GatewayOptions> options) : BackgroundService
{
    /// <summary>The name of the shared secret that signs request ids.</summary>
    public const string RequestIdKey = "request-ids";

    private PeriodicTimer? timer;

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        // The first snapshot is loaded before the server takes requests; a failure leaves an empty table and the poll retries.
        await loader.RefreshAsync(cancellationToken);
        await LoadKeyAsync(cancellationToken);

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
                await LoadKeyAsync(stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down.
        }
    }

    private async Task LoadKeyAsync(CancellationToken ct)
    {
        if (ids.Signs)
        {
            return;
        }

        try
        {
            var candidate = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
            ids.UseKey(Convert.FromBase64String(await store.GetOrCreateSecretAsync(RequestIdKey, candidate, ct)));
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            // Unsigned ids still work on the replica that served them; the next poll tries again.
        }
    }
}
