using Microsoft.Extensions.DependencyInjection;

namespace Switchback.Control.OfflineEvals;

/// <summary>Registers the offline evaluation runner.</summary>
public static class EvalServiceCollectionExtensions
{
    /// <summary>Adds <see cref="EvalRunner"/> and <see cref="GateService"/>, the runner with its own pooled HTTP client (uses the registered <see cref="TimeProvider"/>).</summary>
    public static IServiceCollection AddSwitchbackEvals(this IServiceCollection services)
    {
        services.AddSingleton(sp => new EvalRunner(
            // Time limits are the runner's own (per case, on the injected clock), so the client has none of its own.
            new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) }) { Timeout = Timeout.InfiniteTimeSpan },
            sp.GetService<TimeProvider>() ?? TimeProvider.System));
        services.AddSingleton<GateService>();
        return services;
    }
}
