namespace Switchback.Gateway.Units;

/// <summary>
/// What one evaluated answer or one feedback showed, as the bits of an evaluation or feedback unit's
/// <see cref="UnitRecord.Failures"/> (and of <c>rollout_units.failures</c> when shipped).
/// </summary>
[Flags]
public enum UnitFlags : byte
{
    /// <summary>Nothing to report.</summary>
    None = 0,

    /// <summary>Evaluation: at least one safety detector fired.</summary>
    SafetyViolation = 1,

    /// <summary>Evaluation: the request asked for JSON and the answer was judged (a trial of <c>json_invalid_rate</c>).</summary>
    JsonChecked = 2,

    /// <summary>Evaluation: the answer was not valid JSON or did not conform to the schema.</summary>
    JsonInvalid = 4,

    /// <summary>Evaluation: the answer opens with a refusal.</summary>
    Refusal = 8,

    /// <summary>Evaluation: the answer is empty or white space.</summary>
    Empty = 16,

    /// <summary>Feedback: a thumbs-down (score below zero).</summary>
    ThumbsDown = 32,

    /// <summary>Feedback: the user escalated.</summary>
    Escalated = 64,
}
