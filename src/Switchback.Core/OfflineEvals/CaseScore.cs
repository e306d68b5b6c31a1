namespace Switchback.Core.OfflineEvals;

/// <summary>A scorer's verdict on one answer.</summary>
/// <param name="Score">0..1.</param>
/// <param name="Reason">Why, in a few words.</param>
public sealed record CaseScore(double Score, string Reason)
{
    /// <summary>A score of 0 with the reason.</summary>
    public static CaseScore Fail(string reason) => new(0, reason);

    /// <summary>A score of 1 with the reason.</summary>
    public static CaseScore Pass(string reason) => new(1, reason);
}
