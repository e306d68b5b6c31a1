using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace Switchback.Control.Audit;

/// <summary>Registers the audit head log line.</summary>
public static class AuditServiceCollectionExtensions
{
    /// <summary>Adds a hosted service that logs the audit head at start-up and every <see cref="AuditHeadLogOptions.Interval"/>; needs a store.</summary>
    public static IServiceCollection AddSwitchbackAuditHeadLog(this IServiceCollection services, Action<AuditHeadLogOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var options = services.AddOptions<AuditHeadLogOptions>();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        options.Validate(o => o.Interval == TimeSpan.Zero || o.Interval >= TimeSpan.FromSeconds(1), "the audit head interval must be zero or at least 1 second").ValidateOnStart();
        services.AddLogging();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, AuditHeadLogger>());
        return services;
    }
}
