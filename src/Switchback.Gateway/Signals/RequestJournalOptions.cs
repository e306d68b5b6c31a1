namespace Switchback.Gateway.Signals;

/// <summary>Retention of the <see cref="RequestJournal"/>.</summary>
public sealed class RequestJournalOptions
{
    /// <summary>The most requests remembered; the oldest go first.</summary>
    /// <value>Default 1,000,000; at least 1.</value>
    public int MaxEntries { get; init; } = 1_000_000;

    /// <summary>How long a request is remembered (feedback for an older request is refused).</summary>
    /// <value>Default 24 hours; more than zero.</value>
    public TimeSpan MaxAge { get; init; } = TimeSpan.FromHours(24);

    /// <summary>Throws <see cref="ArgumentException"/> naming the first bad setting.</summary>
    public void Validate()
    {
        if (MaxEntries < 1)
        {
            throw new ArgumentException($"the request journal must keep at least 1 entry, got {MaxEntries}");
        }

        if (MaxAge <= TimeSpan.Zero)
        {
            throw new ArgumentException($"the request journal's maximum age must be more than zero, got {MaxAge}");
        }
    }
}
