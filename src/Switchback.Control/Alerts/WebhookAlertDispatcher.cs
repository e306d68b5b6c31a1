using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Switchback.Control.Alerts;

/// <summary>
/// Delivers alerts to webhooks in the background, retrying with exponential backoff and jitter. Each receiver has its own
/// bounded queue and worker (<see cref="ReceiverWorker"/>), so a hanging receiver delays nobody else, and <see cref="Enqueue"/>
/// only serialises the body and writes to a channel. Every attempt is recorded in <see cref="AlertDeliveryLog"/>.
/// Thread-safe: one lock guards the receiver table and the shutdown flag.
/// </summary>
/// <remarks>
/// One <see cref="HttpClient"/> over one <see cref="SocketsHttpHandler"/> rather than <c>IHttpClientFactory</c>: the dispatcher
/// is a process-long singleton, <see cref="SocketsHttpHandler.PooledConnectionLifetime"/> already picks up DNS changes (what
/// the factory's handler rotation exists for), and the handler settings below (no redirects, no cookies) stay in one place
/// and work the same without a DI container. Time-outs use the injected <see cref="TimeProvider"/>, not
/// <see cref="HttpClient.Timeout"/>, so tests drive them with a fake clock.
/// </remarks>
public sealed partial class WebhookAlertDispatcher : IAlertDispatcher, IAsyncDisposable
{
    private readonly AlertOptions options;
    private readonly TimeProvider time;
    private readonly ILogger logger;
    private readonly Random random;
    private readonly HttpClient http;
    private readonly CancellationTokenSource stopping = new();
    private readonly Lock gate = new();
    private readonly Dictionary<AlertReceiver, ReceiverWorker> workers = [];
    private bool accepting = true;
    private long dropped;

    /// <summary>A dispatcher; <paramref name="random"/> (default <see cref="Random.Shared"/>) draws the backoff jitter.</summary>
    /// <exception cref="ArgumentException">The options are invalid; the message lists every problem.</exception>
    public WebhookAlertDispatcher(
        IOptions<AlertOptions> options, TimeProvider time, AlertDeliveryLog log, ILogger<WebhookAlertDispatcher> logger, Random? random = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(log);
        ArgumentNullException.ThrowIfNull(logger);
        this.options = options.Value.Copy();
        var errors = this.options.Validate();
        if (errors.Count > 0)
        {
            throw new ArgumentException(string.Join("; ", errors), nameof(options));
        }

        this.time = time;
        this.logger = logger;
        this.random = random ?? Random.Shared;
        DeliveryLog = log;
        http = CreateClient(this.options);
    }

    /// <summary>Every delivery attempt and each receiver's state.</summary>
    public AlertDeliveryLog DeliveryLog { get; }

    /// <summary>Alerts dropped because a receiver's queue was full, over all receivers.</summary>
    public long Dropped => Interlocked.Read(ref dropped);

    /// <inheritdoc />
    /// <remarks>
    /// A receiver that cannot be used (not an absolute http or https URL) or an enqueue after shutdown is recorded as
    /// <see cref="AlertDeliveryOutcome.Abandoned"/> and logged, never thrown: a rollback must not fail because of its alert.
    /// </remarks>
    public void Enqueue(AlertMessage alert, IReadOnlyList<AlertReceiver> receivers)
    {
        ArgumentNullException.ThrowIfNull(alert);
        ArgumentNullException.ThrowIfNull(receivers);
        byte[]? generic = null;
        byte[]? slack = null;
        foreach (var receiver in receivers.Where(r => r is not null).Distinct())
        {
            var name = AlertReceiverNames.Of(receiver);
            if (!IsUsable(receiver.Webhook))
            {
                Abandon(name, alert.Kind, alert.Deployment, 0, "webhook must be an absolute http:// or https:// URL");
                continue;
            }

            var body = receiver.Slack ? slack ??= AlertBodies.For(alert, slack: true) : generic ??= AlertBodies.For(alert, slack: false);
            var pending = new PendingAlert(alert.Kind, alert.Deployment, body);
            if (Worker(receiver) is not { } worker || !worker.TryPost(pending))
            {
                Abandon(name, alert.Kind, alert.Deployment, 0, "the alert dispatcher is shutting down");
            }
        }
    }

    /// <summary>
    /// Stops accepting alerts and waits up to <paramref name="wait"/> (on the injected clock) for the queued ones to be
    /// delivered or given up; after that, or when <paramref name="cancellationToken"/> fires, the rest are abandoned.
    /// </summary>
    public async Task DrainAsync(TimeSpan wait, CancellationToken cancellationToken = default)
    {
        ReceiverWorker[] all;
        lock (gate)
        {
            accepting = false;
            all = [.. workers.Values];
        }

        foreach (var worker in all)
        {
            worker.Complete();
        }

        var finished = Task.WhenAll(all.Select(w => w.Completion));
        if (!finished.IsCompleted)
        {
            using var timer = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var first = await Task.WhenAny(finished, Task.Delay(wait, time, timer.Token));
            await timer.CancelAsync();
            if (first != finished)
            {
                AlertLog.DrainTimedOut(logger, (long)wait.TotalMilliseconds);
                await stopping.CancelAsync();
            }
        }

        await finished;
    }

    /// <summary>Drains with <see cref="AlertOptions.DrainTimeout"/>, then releases the HTTP client.</summary>
    public async ValueTask DisposeAsync()
    {
        await DrainAsync(options.DrainTimeout);
        http.Dispose();
        stopping.Dispose();
    }

    private ReceiverWorker? Worker(AlertReceiver receiver)
    {
        lock (gate)
        {
            if (!accepting)
            {
                return null;
            }

            if (!workers.TryGetValue(receiver, out var worker))
            {
                worker = new ReceiverWorker(this, receiver, options.QueueCapacity);
                workers.Add(receiver, worker);
                worker.Start(stopping.Token);
            }

            return worker;
        }
    }

    private static bool IsUsable(Uri webhook) =>
        webhook.IsAbsoluteUri && (webhook.Scheme == Uri.UriSchemeHttp || webhook.Scheme == Uri.UriSchemeHttps);

    private static HttpClient CreateClient(AlertOptions options)
    {
        var handler = new SocketsHttpHandler
        {
            PooledConnectionLifetime = TimeSpan.FromMinutes(2),
            ConnectTimeout = options.AttemptTimeout,
            AllowAutoRedirect = false,
            UseCookies = false,
        };
        var client = new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
        client.DefaultRequestHeaders.UserAgent.TryParseAdd($"Switchback/{AlertBodies.Version}");
        return client;
    }
}
