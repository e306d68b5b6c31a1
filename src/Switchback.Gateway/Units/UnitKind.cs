namespace Switchback.Gateway.Units;

/// <summary>
/// Which stream of a key's evidence a unit belongs to (docs/statistics.md §1b). Each stream keeps its own record of what it
/// learnt about a key's arm, so each is valid on its own for the guardrails it feeds.
/// </summary>
public enum UnitKind
{
    /// <summary>A key's first requests per weight: failure and latency guardrails.</summary>
    Requests = 0,

    /// <summary>A key's first evaluated answer per weight: the online evaluators' signals (refusal, safety, JSON, empty).</summary>
    Evaluation = 1,

    /// <summary>A key's first feedback per weight: thumbs-down and escalation rates.</summary>
    Feedback = 2,
}
