using System.Net.Http.Headers;
using System.Net.Sockets;

namespace Switchback.Control.Alerts;

/// <summary>Delivery of one queued alert: attempts, backoff and their records.</summary>
public sealed partial class WebhookAlertDispatcher
{
    internal async Task DeliverAsync(ReceiverWorker worker, PendingAlert alert, CancellationToken stop)
    {
        try
        {
            await DeliverCoreAsync(worker, alert, stop);
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            OnAbandoned(worker, alert, 0, "shutdown came during delivery");
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            // A bug here must not stop the worker: the next alert to this receiver still deserves its attempts.
            AlertLog.Crashed(logger, exception, alert.Kind, alert.Deployment, worker.Name);
            Record(worker.Name, alert, 0, AlertDeliveryOutcome.FailedForGood, new AttemptResult(null, exception.GetType().Name));
        }
    }

    internal void OnDropped(ReceiverWorker worker, PendingAlert alert)
    {
        Interlocked.Increment(ref dropped);
        AlertLog.Dropped(logger, worker.Name, alert.Kind, alert.Deployment);
        Record(worker.Name, alert, 0, AlertDeliveryOutcome.Dropped, new AttemptResult(null, "queue full, oldest alert dropped"));
    }

    internal void OnAbandoned(ReceiverWorker worker, PendingAlert alert, int attempt, string reason) =>
        Abandon(worker.Name, alert.Kind, alert.Deployment, attempt, reason);

    private void Abandon(string receiver, string kind, string deployment, int attempt, string reason)
    {
        AlertLog.Abandoned(logger, kind, deployment, receiver, reason);
        DeliveryLog.Record(new AlertDeliveryAttempt(time.GetUtcNow(), receiver, kind, deployment, attempt, AlertDeliveryOutcome.Abandoned, Error: reason));
    }

    private async Task DeliverCoreAsync(ReceiverWorker worker, PendingAlert alert, CancellationToken stop)
    {
        for (var attempt = 1; ; attempt++)
        {
            var result = await SendAsync(worker.Receiver.Webhook, alert.Body, stop);
            if (result.Delivered)
            {
                AlertLog.Delivered(logger, alert.Kind, alert.Deployment, worker.Name, attempt);
                Record(worker.Name, alert, attempt, AlertDeliveryOutcome.Delivered, result);
                return;
            }

            if (result.Permanent || attempt >= options.MaxAttempts)
            {
                AlertLog.GaveUp(logger, alert.Kind, alert.Deployment, worker.Name, attempt, result.Describe());
                Record(worker.Name, alert, attempt, AlertDeliveryOutcome.FailedForGood, result);
                return;
            }

            var delay = AlertBackoff.Delay(attempt, options, NextUnitRandom(), result.RetryAfter);
            // The timer exists before the record is visible, so whoever watches the log can advance a fake clock past it.
            var backoff = Task.Delay(delay, time, stop);
            AlertLog.Retrying(logger, alert.Kind, alert.Deployment, worker.Name, attempt, result.Describe(), (long)delay.TotalMilliseconds);
            Record(worker.Name, alert, attempt, AlertDeliveryOutcome.Retrying, result, time.GetUtcNow() + delay);
            await backoff;
        }
    }

    private async Task<AttemptResult> SendAsync(Uri webhook, ReadOnlyMemory<byte> body, CancellationToken stop)
    {
        using var timeout = new CancellationTokenSource(options.AttemptTimeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, stop);
        using var request = new HttpRequestMessage(HttpMethod.Post, webhook) { Content = new ReadOnlyMemoryContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        try
        {
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, linked.Token);
            return new AttemptResult((int)response.StatusCode, null, response.Headers.RetryAfter?.Delta);
        }
        catch (OperationCanceledException) when (!stop.IsCancellationRequested)
        {
            return new AttemptResult(null, $"timed out after {options.AttemptTimeout.TotalSeconds:0.###} s");
        }
        catch (HttpRequestException exception)
        {
            return new AttemptResult(null, Describe(exception));
        }
    }

    /// <summary>Names the failure without the URL's path or query, which may hold the webhook's secret.</summary>
    private static string Describe(HttpRequestException exception) => exception.InnerException switch
    {
        SocketException { SocketErrorCode: SocketError.ConnectionRefused } => "connection refused",
        SocketException socket => $"network error: {socket.SocketErrorCode}",
        _ => $"{exception.HttpRequestError}: {exception.Message}",
    };

    private double NextUnitRandom()
    {
        lock (random)
        {
            return random.NextDouble();
        }
    }

    private void Record(string receiver, PendingAlert alert, int attempt, AlertDeliveryOutcome outcome, AttemptResult result, DateTimeOffset? next = null) =>
        DeliveryLog.Record(new AlertDeliveryAttempt(
            time.GetUtcNow(), receiver, alert.Kind, alert.Deployment, attempt, outcome, result.StatusCode, result.Error, next));
}
