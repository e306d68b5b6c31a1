namespace Switchback.Core.OfflineEvals.Scorers;

/// <summary>A scorer that decides from the answer and the case alone, without calling anything. Pure and thread-safe.</summary>
public abstract record LocalScorer : Scorer
{
    /// <summary>Scores <paramref name="answer"/> for <paramref name="evalCase"/>; never throws for any answer text.</summary>
    public abstract CaseScore Score(EvalCase evalCase, string answer);

    /// <summary>A short, single-line excerpt of <paramref name="text"/> for reasons.</summary>
    protected static string Excerpt(string text, int max = 60)
    {
        var flat = text.ReplaceLineEndings(" ");
        return flat.Length <= max ? flat : string.Concat(flat.AsSpan(0, max), "…");
    }
}
