namespace Switchback.Control.Alerts;

/// <summary>How one receiver is doing, for the admin API and <c>rollout status</c>.</summary>
/// <param name="Receiver">The receiver, redacted.</param>
/// <param name="Delivered">Alerts delivered.</param>
/// <param name="FailedForGood">Alerts given up after their attempts or refused for good.</param>
/// <param name="Dropped">Alerts dropped because the queue was full, or abandoned at shutdown.</param>
/// <param name="ConsecutiveFailedAttempts">Failed attempts since the last delivery; more than zero means the receiver is failing.</param>
/// <param name="Last">The latest attempt, if any.</param>
public sealed record AlertReceiverStatus(
    string Receiver,
    long Delivered,
    long FailedForGood,
    long Dropped,
    int ConsecutiveFailedAttempts,
    AlertDeliveryAttempt? Last)
{
    /// <summary>True while the receiver's latest attempts failed.</summary>
    public bool IsFailing => ConsecutiveFailedAttempts > 0;

    /// <summary>One line, e.g. "receiver http://host:9100/… failing: 3 attempts, last HTTP 500".</summary>
    public string Describe() => IsFailing
        ? $"receiver {Receiver} failing: {ConsecutiveFailedAttempts} attempt{(ConsecutiveFailedAttempts == 1 ? "" : "s")}, last {Last?.Result}"
        : $"receiver {Receiver} ok: {Delivered} delivered, {FailedForGood} failed, {Dropped} dropped";
}
