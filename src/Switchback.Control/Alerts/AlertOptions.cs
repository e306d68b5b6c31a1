namespace Switchback.Control.Alerts;

/// <summary>Settings of <see cref="WebhookAlertDispatcher"/>; defaults live here and are checked at start-up by <see cref="Validate"/>.</summary>
public sealed class AlertOptions
{
    /// <summary>Alerts waiting per receiver; when full the oldest is dropped and counted.</summary>
    /// <value>Default 1,000; 1 to 100,000.</value>
    public int QueueCapacity { get; set; } = 1_000;

    /// <summary>Delivery attempts per alert and receiver, the first included.</summary>
    /// <value>Default 6; 1 to 100.</value>
    public int MaxAttempts { get; set; } = 6;

    /// <summary>Backoff before the second attempt; it doubles for each later one.</summary>
    /// <value>Default 0.5 s; more than zero.</value>
    public TimeSpan InitialBackoff { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Largest backoff between two attempts.</summary>
    /// <value>Default 30 s; at least <see cref="InitialBackoff"/>, at most 1 h.</value>
    public TimeSpan MaxBackoff { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Time one attempt may take, connection included, before it counts as failed.</summary>
    /// <value>Default 5 s; more than zero, at most 5 min.</value>
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How long shutdown waits for queued alerts before abandoning them.</summary>
    /// <value>Default 10 s; zero or more, at most 5 min.</value>
    public TimeSpan DrainTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Delivery attempts remembered per receiver in <see cref="AlertDeliveryLog"/>.</summary>
    /// <value>Default 200; 1 to 10,000.</value>
    public int DeliveryLogSize { get; set; } = 200;

    /// <summary>What is wrong with these settings, one sentence each; empty when they are valid.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        Check(errors, QueueCapacity is >= 1 and <= 100_000, $"alerts: QueueCapacity must be 1 to 100000, got {QueueCapacity}");
        Check(errors, MaxAttempts is >= 1 and <= 100, $"alerts: MaxAttempts must be 1 to 100, got {MaxAttempts}");
        Check(errors, InitialBackoff > TimeSpan.Zero, $"alerts: InitialBackoff must be more than zero, got {InitialBackoff}");
        Check(errors, MaxBackoff >= InitialBackoff && MaxBackoff <= TimeSpan.FromHours(1),
            $"alerts: MaxBackoff must be between InitialBackoff ({InitialBackoff}) and 1 h, got {MaxBackoff}");
        Check(errors, AttemptTimeout > TimeSpan.Zero && AttemptTimeout <= TimeSpan.FromMinutes(5),
            $"alerts: AttemptTimeout must be more than zero and at most 5 min, got {AttemptTimeout}");
        Check(errors, DrainTimeout >= TimeSpan.Zero && DrainTimeout <= TimeSpan.FromMinutes(5),
            $"alerts: DrainTimeout must be zero to 5 min, got {DrainTimeout}");
        Check(errors, DeliveryLogSize is >= 1 and <= 10_000, $"alerts: DeliveryLogSize must be 1 to 10000, got {DeliveryLogSize}");
        return errors;
    }

    /// <summary>A copy, so that later changes to the caller's instance do not reach a running dispatcher.</summary>
    internal AlertOptions Copy() => (AlertOptions)MemberwiseClone();

    private static void Check(List<string> errors, bool ok, string error)
    {
        if (!ok)
        {
            errors.Add(error);
        }
    }
}
