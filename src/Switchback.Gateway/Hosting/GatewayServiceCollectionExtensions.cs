using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Switchback.Core.Access;
using Switchback.Core.Routing;
using Switchback.Gateway.Access;
using Switchback.Gateway.Api;
using Switchback.Gateway.Bundles;
using Switchback.Gateway.OnlineEvaluators;
using Switchback.Gateway.Forwarding;
using Switchback.Gateway.Health;
using Switchback.Gateway.Metrics;
using Switchback.Gateway.Routing;
using Switchback.Gateway.Shadow;
using Switchback.Gateway.Signals;
using Switchback.Storage;
using Switchback.Storage.Fleet;
using Switchback.Gateway.Templates;

namespace Switchback.Gateway.Hosting;

/// <summary>Registers the data plane.</summary>
public static class GatewayServiceCollectionExtensions
{
    /// <summary>
    /// Adds the gateway: routing snapshot (loaded at start and polled), bundle cache, signals, journal, upstream forwarder,
    /// upstream health probes and circuit breakers (<see cref="IVersionHealthMonitor"/>), shadow workers, Prometheus
    /// metrics and <see cref="RollbackMetrics"/>.
    /// Needs an <c>IRegistryStore</c> registered by the caller; uses a registered <see cref="TimeProvider"/> or the system clock,
    /// and a registered <see cref="UpstreamKeyPolicy"/> or <see cref="UpstreamKeyPolicy.Default"/>.
    /// </summary>
    public static IServiceCollection AddSwitchbackGateway(
        this IServiceCollection services,
        Action<GatewayOptions>? configure = null,
        Action<HealthOptions>? configureHealth = null,
        Action<ShadowOptions>? configureShadow = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddOptions<GatewayOptions>().Configure(o => configure?.Invoke(o)).Validate(o =>
        {
            o.Validate();
            return true;
        }).ValidateOnStart();
        services.AddOptions<HealthOptions>().Configure(o => configureHealth?.Invoke(o)).Validate(o =>
        {
            o.Validate();
            return true;
        }).ValidateOnStart();
        services.AddOptions<ShadowOptions>().Configure(o => configureShadow?.Invoke(o)).Validate(o =>
        {
            o.Validate();
            return true;
        }).ValidateOnStart();
        // Evaluation sizing is set with services.Configure<EvaluationOptions>(…); defaults suit one gateway process.
        services.AddOptions<EvaluationOptions>().Validate(o =>
        {
            o.Validate();
            return true;
        }).ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);

        // The gateway reads the store through what it needs; all three are the one store the host registered.
        services.TryAddSingleton<IRoutingSource>(sp => sp.GetRequiredService<IRegistryStore>());
        services.TryAddSingleton<IApiKeySource>(sp => sp.GetRequiredService<IRegistryStore>());
        services.TryAddSingleton<IFleetStore>(sp => (IFleetStore)sp.GetRequiredService<IRegistryStore>());
        services.TryAddSingleton<RoutingTableHolder>();
        services.TryAddSingleton<FirstServedProbe>();
        services.TryAddSingleton(sp => new SignalRegistry(sp.GetRequiredService<TimeProvider>(), new SignalOptions { CounterNames = [.. GatewayCounters.All, .. EvaluationCounters.All] }));
        services.TryAddSingleton(sp => new ResponseLengthSignals(sp.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton<EvaluationQueue>();
        services.TryAddSingleton<EvaluationRecorder>();
        services.TryAddSingleton<ResponseEvaluations>();
        services.TryAddSingleton(sp => new RequestJournal(sp.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton<RequestIds>();
        services.AddOptions<Units.UnitOptions>();
        services.TryAddSingleton<Units.UnitTracker>();
        services.AddHostedService<Units.UnitSweeper>();
        services.TryAddSingleton(UpstreamKeyPolicy.Default);
        services.TryAddSingleton<TemplateRenderer>();
        services.TryAddSingleton<BundleReader>();
        services.TryAddSingleton<BundleCache>();
        services.TryAddSingleton<SystemGateKey>();
        services.TryAddSingleton<KeyCache>();
        services.TryAddSingleton<UpstreamClients>();
        services.TryAddSingleton<VersionHealthMonitor>();
        services.TryAddSingleton<IVersionHealthMonitor>(sp => sp.GetRequiredService<VersionHealthMonitor>());
        services.TryAddSingleton<ShadowQueue>();
        services.TryAddSingleton<ShadowSender>();
        services.TryAddSingleton<RollbackMetrics>();
        services.TryAddSingleton(sp => new PrometheusExposition(
            sp.GetRequiredService<SignalRegistry>(), sp.GetRequiredService<RoutingTableHolder>(), sp.GetRequiredService<RollbackMetrics>(), sp.GetServices<IMetricsContributor>()));
        services.TryAddSingleton<MetricsEndpoint>();
        services.TryAddSingleton<Responses.BoundedResponseAffinity>();
        services.TryAddSingleton<Responses.SharedResponseAffinity>();
        services.TryAddSingleton<Responses.IResponseAffinity>(sp => sp.GetRequiredService<Responses.SharedResponseAffinity>());
        services.AddHostedService<Responses.ResponseOwnerSync>();
        services.AddSingleton<IMetricsContributor, Responses.ResponseAffinityMetrics>();
        services.AddMetrics();
        services.TryAddSingleton<Telemetry.GenAiMetrics>();
        services.TryAddSingleton<UpstreamForwarder>();
        services.TryAddSingleton<StreamGate>();
        services.TryAddSingleton<GatewayRequestHandler>();
        services.TryAddSingleton<FeedbackRecorder>();
        services.TryAddSingleton<FeedbackEndpoint>();
        services.TryAddSingleton<ModelsEndpoint>();
        services.TryAddSingleton(sp => new RoutingSnapshotLoader(
            sp.GetRequiredService<IRoutingSource>(),
            sp.GetRequiredService<RoutingTableHolder>(),
            sp.GetRequiredService<BundleCache>(),
            sp.GetRequiredService<Microsoft.Extensions.Logging.ILogger<RoutingSnapshotLoader>>(),
            sp.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton(sp => new RoutingSwitch(sp.GetRequiredService<RoutingTableHolder>(), sp.GetRequiredService<RoutingSnapshotLoader>()));
        services.AddHostedService<RoutingRefreshService>();
        services.AddHostedService<HealthProbeService>();
        services.AddHostedService<ShadowWorkers>();
        services.AddHostedService<EvaluationWorkers>();
        return services;
    }
}
