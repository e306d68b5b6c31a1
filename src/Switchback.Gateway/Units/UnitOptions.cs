namespace Switchback.Gateway.Units;

/// <summary>How units are formed (docs/statistics.md); every default lives here. Validated when the tracker is created.</summary>
public sealed class UnitOptions
{
    /// <summary>The most requests of one key that make its unit.</summary>
    /// <value>Default 5; 1..100. More sees more of each user (more power for rare failures), fewer closes units sooner.</value>
    public int RequestsPerUnit { get; set; } = 5;

    /// <summary>How long after its first request a unit closes at the latest.</summary>
    /// <value>Default 2 s; 1 s .. 10 min. Bounds how long a light user's evidence waits, so it bounds the detection delay units add.</value>
    public TimeSpan Window { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// The most keys a rollout tracks in this process, per stream (requests, evaluations, feedback); further keys are counted as
    /// untracked and left out of that stream's evidence.
    /// </summary>
    /// <value>Default 2,000,000 (about 100 MB at most for requests; the evaluation and feedback streams keep only a key's mark, about 40 bytes).</value>
    public int MaxKeysPerRollout { get; set; } = 2_000_000;

    /// <summary>How long closed units are kept for the controller (or for shipping) after they closed, in seconds.</summary>
    /// <value>Default 3,600.</value>
    public int HorizonSeconds { get; set; } = 3_600;

    /// <summary>Throws <see cref="ArgumentException"/> naming the first bad setting.</summary>
    public void Validate()
    {
        if (RequestsPerUnit is < 1 or > 100)
        {
            throw new ArgumentException($"requests per unit must be 1..100, got {RequestsPerUnit}");
        }

        if (Window < TimeSpan.FromSeconds(1) || Window > TimeSpan.FromMinutes(10))
        {
            throw new ArgumentException($"the unit window must be 1 s .. 10 min, got {Window}");
        }

        if (MaxKeysPerRollout < 1)
        {
            throw new ArgumentException($"the most keys per rollout must be 1 or more, got {MaxKeysPerRollout}");
        }

        if (HorizonSeconds < 60)
        {
            throw new ArgumentException($"the unit horizon must be at least 60 s, got {HorizonSeconds}");
        }
    }
}
