namespace Switchback.Gateway.Signals;

/// <summary>User feedback over a time range: thumbs, escalations and the sum of scores.</summary>
public sealed record FeedbackCounts(long Count, long ThumbsUp, long ThumbsDown, long Escalations, double ScoreSum)
{
    /// <summary>Thumbs-down per feedback received, or null without feedback.</summary>
    public double? ThumbsDownRate => Count == 0 ? null : (double)ThumbsDown / Count;

    /// <summary>Escalations per feedback received, or null without feedback.</summary>
    public double? EscalationRate => Count == 0 ? null : (double)Escalations / Count;
}
