namespace Switchback.Core.OfflineEvals;

/// <summary>The outcome of one case.</summary>
/// <param name="Id">The case id.</param>
/// <param name="Scorer">The scorer type.</param>
/// <param name="Score">0..1; 0 when the call failed.</param>
/// <param name="Passed">Whether the score reached the dataset's pass threshold.</param>
/// <param name="Reason">Why this score (the scorer's reason, or the error).</param>
/// <param name="LatencyMs">Time of the model call in milliseconds (the judge call not included).</param>
/// <param name="Answer">The start of the answer (at most <see cref="EvalReport.AnswerExcerptChars"/> characters).</param>
/// <param name="Error">Whether the call failed (transport error, non-2xx status, timeout, unreadable answer).</param>
public sealed record EvalCaseResult(string Id, string Scorer, double Score, bool Passed, string Reason, double LatencyMs, string Answer, bool Error);
