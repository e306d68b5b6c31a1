namespace Switchback.Core.OfflineEvals.Scorers;

/// <summary>How a case's answer is scored: one of the scorer types of docs/evals.md.</summary>
public abstract record Scorer
{
    /// <summary>The scorer's type name as written in datasets (<c>exact</c>, <c>contains</c>, …).</summary>
    public abstract string Type { get; }

    /// <summary>Whether the case needs an <c>expected</c> value for this scorer.</summary>
    public abstract bool NeedsExpected { get; }
}
