using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Switchback.Control.Rollbacks;

namespace Switchback.Control.Rollouts;

/// <summary>Registers the rollout controller and the rollback service.</summary>
public static class RolloutServiceCollectionExtensions
{
    /// <summary>
    /// Adds the rollout controller and the monitor controller (hosted services ticking every second while this process leads), the rollback service, the
    /// target health check and the rollback counter. Leadership and signals default to one process (it always leads, and reads
    /// its own signal rings); <c>AddSwitchbackFleet</c> replaces both for replicas sharing a store. Needs the gateway
    /// (<c>AddSwitchbackGateway</c>), the alerts (<c>AddSwitchbackAlerts</c>) and a store.
    /// </summary>
    public static IServiceCollection AddSwitchbackRollouts(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddMetrics();
        services.TryAddSingleton(TimeProvider.System);
        services.AddOptions<Fleet.FleetOptions>().Validate(o =>
        {
            o.Validate();
            return true;
        }).ValidateOnStart();
        services.TryAddSingleton<Storage.Fleet.IFleetStore>(sp => (Storage.Fleet.IFleetStore)sp.GetRequiredService<Storage.IRegistryStore>());
        services.TryAddSingleton<Fleet.ILeadership, Fleet.SoleLeadership>();
        services.TryAddSingleton<IRolloutSignals, LocalRolloutSignals>();
        services.TryAddSingleton<RolloutObserver>();
        services.TryAddSingleton<RollbackCounter>();
        services.TryAddSingleton<ITargetHealthCheck, MonitorHealthCheck>();
        services.TryAddSingleton<RollbackTimings>();
        services.TryAddSingleton<RollbackService>();
        services.TryAddSingleton<IGateRunner, ServerGateRunner>();
        services.TryAddSingleton<RolloutPhaseMetrics>();
        services.AddSingleton<Gateway.Metrics.IMetricsContributor>(sp => sp.GetRequiredService<RolloutPhaseMetrics>());
        services.AddOptions<Evidence.EvidenceSeriesOptions>().Validate(o =>
        {
            o.Validate();
            return true;
        }).ValidateOnStart();
        services.TryAddSingleton<Storage.Fleet.IEvidenceSeriesStore>(sp => (Storage.Fleet.IEvidenceSeriesStore)sp.GetRequiredService<Storage.IRegistryStore>());
        services.TryAddSingleton<Evidence.EvidenceRecorder>();

        // Before the controller: hosted services stop in reverse, so the recorder writes the controller's last points.
        services.AddSingleton<IHostedService>(sp => sp.GetRequiredService<Evidence.EvidenceRecorder>());
        services.TryAddSingleton<RolloutController>();
        services.AddSingleton<IHostedService>(sp => sp.GetRequiredService<RolloutController>());
        services.TryAddSingleton<Monitors.MonitorController>();
        services.AddSingleton<IHostedService>(sp => sp.GetRequiredService<Monitors.MonitorController>());
        return services;
    }
}
