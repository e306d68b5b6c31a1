using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Switchback.Control.Rollouts;
using Switchback.Gateway.Fleet;

namespace Switchback.Control.Fleet;

/// <summary>Registers what makes a process one replica of a fleet (docs/fleet.md).</summary>
public static class FleetServiceCollectionExtensions
{
    /// <summary>
    /// Adds leadership through the store's lease (replacing the one-process default), the replica's heartbeat, the routing
    /// follower (LISTEN/NOTIFY), the leader's housekeeping and the propagation wait. With <paramref name="shareSignals"/> every
    /// replica ships its signal windows and the controller decides on the fleet's merged data (several replicas on PostgreSQL);
    /// without it the controller reads this process's own rings (one server, SQLite). Call after <c>AddSwitchbackRollouts</c>.
    /// </summary>
    public static IServiceCollection AddSwitchbackFleet(this IServiceCollection services, bool shareSignals, Action<FleetOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.Configure<FleetOptions>(o =>
        {
            configure?.Invoke(o);
            o.ShareSignals = shareSignals;
        });

        services.TryAddSingleton<ReplicaIdentity>();
        services.TryAddSingleton<SignalShipment>();
        services.RemoveAll<ILeadership>();
        services.AddSingleton<LeaseLeadership>();
        services.AddSingleton<ILeadership>(sp => sp.GetRequiredService<LeaseLeadership>());
        services.AddSingleton<IHostedService>(sp => sp.GetRequiredService<LeaseLeadership>());
        if (shareSignals)
        {
            services.RemoveAll<IRolloutSignals>();
            services.AddSingleton<IRolloutSignals, FleetRolloutSignals>();
        }

        services.TryAddSingleton<FleetPropagation>();
        services.TryAddSingleton<ReplicaReporter>();
        services.TryAddSingleton<RoutingFollower>();
        services.TryAddSingleton<FleetHousekeeper>();
        services.AddSingleton<Gateway.Metrics.IMetricsContributor, FleetMetrics>();
        services.AddSingleton<IHostedService>(sp => sp.GetRequiredService<ReplicaReporter>());
        services.AddSingleton<IHostedService>(sp => sp.GetRequiredService<RoutingFollower>());
        services.AddSingleton<IHostedService>(sp => sp.GetRequiredService<FleetHousekeeper>());
        return services;
    }
}
