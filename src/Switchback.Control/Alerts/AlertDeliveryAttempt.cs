namespace Switchback.Control.Alerts;

/// <summary>One delivery attempt of one alert to one receiver, as kept by <see cref="AlertDeliveryLog"/>.</summary>
/// <param name="Time">When the attempt ended.</param>
/// <param name="Receiver">The receiver, redacted (see <see cref="AlertReceiverNames"/>).</param>
/// <param name="Kind">The alert's kind.</param>
/// <param name="Deployment">The alert's deployment.</param>
/// <param name="Attempt">1 for the first attempt; 0 when the alert got none.</param>
/// <param name="Outcome">What became of it.</param>
/// <param name="StatusCode">The HTTP status the receiver answered, if it answered.</param>
/// <param name="Error">Why it failed when there is no status: timeout, connection refused, ….</param>
/// <param name="NextAttemptAt">When the next attempt is due, for <see cref="AlertDeliveryOutcome.Retrying"/>.</param>
public sealed record AlertDeliveryAttempt(
    DateTimeOffset Time,
    string Receiver,
    string Kind,
    string Deployment,
    int Attempt,
    AlertDeliveryOutcome Outcome,
    int? StatusCode = null,
    string? Error = null,
    DateTimeOffset? NextAttemptAt = null)
{
    /// <summary>"HTTP 500", the error, or "ok".</summary>
    public string Result => StatusCode is { } code ? $"HTTP {code}" : Error ?? "ok";
}
