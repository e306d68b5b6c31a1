using Microsoft.Extensions.Options;

namespace Switchback.Control.Alerts;

/// <summary>
/// The latest delivery attempts per receiver and running counts, for the admin API and <c>rollout status</c>.
/// Thread-safe: one lock guards the per-receiver rings; <see cref="Recorded"/> is raised outside it.
/// </summary>
public sealed class AlertDeliveryLog
{
    private readonly Lock gate = new();
    private readonly Dictionary<string, ReceiverHistory> receivers = new(StringComparer.Ordinal);
    private readonly int size;

    /// <summary>A log keeping <see cref="AlertOptions.DeliveryLogSize"/> attempts per receiver.</summary>
    public AlertDeliveryLog(IOptions<AlertOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        size = options.Value.DeliveryLogSize;
        if (size < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(options), size, "alerts: DeliveryLogSize must be at least 1");
        }
    }

    /// <summary>Raised after each record, e.g. for a dashboard that streams changes.</summary>
    public event Action<AlertDeliveryAttempt>? Recorded;

    /// <summary>Adds <paramref name="attempt"/> to its receiver's history.</summary>
    public void Record(AlertDeliveryAttempt attempt)
    {
        ArgumentNullException.ThrowIfNull(attempt);
        lock (gate)
        {
            if (!receivers.TryGetValue(attempt.Receiver, out var history))
            {
                history = new ReceiverHistory();
                receivers.Add(attempt.Receiver, history);
            }

            history.Add(attempt, size);
        }

        Recorded?.Invoke(attempt);
    }

    /// <summary>The latest attempts for <paramref name="receiver"/>, oldest first; empty when it never had one.</summary>
    public IReadOnlyList<AlertDeliveryAttempt> Attempts(AlertReceiver receiver)
    {
        var name = AlertReceiverNames.Of(receiver);
        lock (gate)
        {
            return receivers.TryGetValue(name, out var history) ? [.. history.Attempts] : [];
        }
    }

    /// <summary>How <paramref name="receiver"/> is doing, or null when it never had an attempt.</summary>
    public AlertReceiverStatus? Status(AlertReceiver receiver)
    {
        var name = AlertReceiverNames.Of(receiver);
        lock (gate)
        {
            return receivers.TryGetValue(name, out var history) ? history.Status(name) : null;
        }
    }

    /// <summary>Every receiver that had an attempt, by name.</summary>
    public IReadOnlyList<AlertReceiverStatus> Statuses()
    {
        lock (gate)
        {
            return [.. receivers.OrderBy(r => r.Key, StringComparer.Ordinal).Select(r => r.Value.Status(r.Key))];
        }
    }

    private sealed class ReceiverHistory
    {
        private long delivered;
        private long failedForGood;
        private long dropped;
        private int consecutiveFailures;
        private AlertDeliveryAttempt? last;

        public Queue<AlertDeliveryAttempt> Attempts { get; } = new();

        public void Add(AlertDeliveryAttempt attempt, int size)
        {
            if (Attempts.Count == size)
            {
                Attempts.Dequeue();
            }

            Attempts.Enqueue(attempt);
            last = attempt;
            switch (attempt.Outcome)
            {
                case AlertDeliveryOutcome.Delivered:
                    delivered++;
                    consecutiveFailures = 0;
                    break;
                case AlertDeliveryOutcome.Retrying:
                    consecutiveFailures++;
                    break;
                case AlertDeliveryOutcome.FailedForGood:
                    failedForGood++;
                    consecutiveFailures += attempt.Attempt > 0 ? 1 : 0;
                    break;
                default:
                    dropped++;
                    break;
            }
        }

        public AlertReceiverStatus Status(string name) =>
            new(name, delivered, failedForGood, dropped, consecutiveFailures, last);
    }
}
