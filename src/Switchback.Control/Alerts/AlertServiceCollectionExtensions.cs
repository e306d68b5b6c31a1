using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Switchback.Control.Alerts;

/// <summary>Registers webhook alerts.</summary>
public static class AlertServiceCollectionExtensions
{
    /// <summary>
    /// Adds <see cref="WebhookAlertDispatcher"/> as the singleton <see cref="IAlertDispatcher"/>, its <see cref="AlertDeliveryLog"/>,
    /// options validated at start-up, and a hosted service that drains the queues at shutdown.
    /// </summary>
    public static IServiceCollection AddSwitchbackAlerts(this IServiceCollection services, Action<AlertOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var options = services.AddOptions<AlertOptions>();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        options.ValidateOnStart();
        services.AddLogging();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<AlertOptions>, AlertOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<AlertDeliveryLog>();
        services.TryAddSingleton(sp => new WebhookAlertDispatcher(
            sp.GetRequiredService<IOptions<AlertOptions>>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<AlertDeliveryLog>(),
            sp.GetRequiredService<ILogger<WebhookAlertDispatcher>>()));
        services.TryAddSingleton<IAlertDispatcher>(sp => sp.GetRequiredService<WebhookAlertDispatcher>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, AlertDispatcherLifetime>());
        return services;
    }
}
