namespace Switchback.Control.Alerts;

/// <summary>
/// Sends alerts to the receivers a rollout names. <see cref="Enqueue"/> never blocks and never throws for a failing receiver:
/// a rollback must never wait for an alert. Implementations are thread-safe.
/// </summary>
public interface IAlertDispatcher
{
    /// <summary>Queues <paramref name="alert"/> for every receiver in <paramref name="receivers"/>; returns at once.</summary>
    void Enqueue(AlertMessage alert, IReadOnlyList<AlertReceiver> receivers);
}
