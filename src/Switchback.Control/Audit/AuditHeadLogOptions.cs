namespace Switchback.Control.Audit;

/// <summary>Settings of the audit head log line; defaults live here.</summary>
public sealed class AuditHeadLogOptions
{
    /// <summary>The default <see cref="Interval"/>.</summary>
    public static readonly TimeSpan DefaultInterval = TimeSpan.FromHours(1);

    /// <summary>How often the audit head is written to the log after the line at start-up; zero writes only that one.</summary>
    /// <value>Default 1 hour; zero, or at least 1 second.</value>
    public TimeSpan Interval { get; set; } = DefaultInterval;
}
