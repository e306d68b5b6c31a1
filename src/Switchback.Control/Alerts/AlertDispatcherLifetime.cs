using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Switchback.Control.Alerts;

/// <summary>Ties the dispatcher to the host: at shutdown the queued alerts get up to <see cref="AlertOptions.DrainTimeout"/>.</summary>
internal sealed class AlertDispatcherLifetime(WebhookAlertDispatcher dispatcher, IOptions<AlertOptions> options) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => dispatcher.DrainAsync(options.Value.DrainTimeout, cancellationToken);
}
