namespace Switchback.Control.Alerts;

/// <summary>What became of one delivery attempt.</summary>
public enum AlertDeliveryOutcome
{
    /// <summary>The receiver answered 2xx.</summary>
    Delivered,

    /// <summary>The attempt failed; another follows after the backoff.</summary>
    Retrying,

    /// <summary>The attempt failed and no other follows: attempts are used up or the receiver refused the body for good.</summary>
    FailedForGood,

    /// <summary>The alert never got an attempt: the queue was full and it was the oldest.</summary>
    Dropped,

    /// <summary>Shutdown came before the alert was delivered, or the receiver cannot be used at all.</summary>
    Abandoned,
}
