using Microsoft.Extensions.Hosting;
using Switchback.Core.Routing;

namespace Switchback.Gateway.Units;

/// <summary>Closes units whose window ran out or whose step changed, once a second on the injected clock.</summary>
internal sealed class UnitSweeper(UnitTracker units, RoutingTableHolder routing, TimeProvider time) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1), time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                Sweep();
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down.
        }
    }

    /// <summary>One sweep against the routing in force now.</summary>
    internal void Sweep()
    {
        var table = routing.Current;
        units.Sweep(deployment => table.TryGet(deployment, out var s) ? (s.Salt, s.CandidateVersion is null ? 0 : s.CandidateWeightBps) : (null, 0));
    }
}
