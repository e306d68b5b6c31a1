namespace Switchback.Gateway.Shadow;

/// <summary>Sizing of shadow traffic; validated at start-up.</summary>
public sealed class ShadowOptions
{
    /// <summary>Mirrored requests waiting for a worker; a copy that finds the queue full is dropped and counted.</summary>
    /// <value>Default 1,000; at least 1.</value>
    public int QueueCapacity { get; set; } = 1_000;

    /// <summary>Background workers that send mirrored requests.</summary>
    /// <value>Default 2; 1..64.</value>
    public int Workers { get; set; } = 2;

    /// <summary>How much of a primary or shadow answer is kept for comparison; longer answers are not compared.</summary>
    /// <value>Default 64 KiB (the primary side is the gateway's existing observation buffer, so at most that).</value>
    public int CaptureLimitBytes { get; set; } = 64 * 1024;

    /// <summary>Throws <see cref="ArgumentException"/> naming the first bad setting.</summary>
    public void Validate()
    {
        if (QueueCapacity < 1)
        {
            throw new ArgumentException($"the shadow queue capacity must be at least 1, got {QueueCapacity}");
        }

        if (Workers is < 1 or > 64)
        {
            throw new ArgumentException($"shadow workers must be 1..64, got {Workers}");
        }

        if (CaptureLimitBytes is < 1024 or > 64 * 1024)
        {
            throw new ArgumentException($"the shadow capture limit must be 1 KiB..64 KiB, got {CaptureLimitBytes}");
        }
    }
}
