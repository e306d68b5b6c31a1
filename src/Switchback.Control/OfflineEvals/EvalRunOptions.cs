namespace Switchback.Control.OfflineEvals;

/// <summary>How an evaluation run behaves.</summary>
public sealed record EvalRunOptions
{
    /// <summary>The largest concurrency accepted.</summary>
    public const int MaxConcurrency = 64;

    /// <summary>Cases in flight at once.</summary>
    /// <value>1..64; default 4.</value>
    public int Concurrency { get; init; } = 4;

    /// <summary>Time limit of one model call (and, separately, of one judge call); a case over it scores 0 with the error.</summary>
    /// <value>Default 60 s.</value>
    public TimeSpan CaseTimeout { get; init; } = TimeSpan.FromSeconds(60);
}
