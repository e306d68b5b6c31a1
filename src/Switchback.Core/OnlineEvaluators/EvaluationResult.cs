using System.Collections.Immutable;

namespace Switchback.Core.OnlineEvaluators;

/// <summary>What the evaluators found in one response.</summary>
public sealed record EvaluationResult
{
    /// <summary>How many safety detectors fired (each counts once per response, however often it matched).</summary>
    public int SafetyViolations => SafetyDetectors.Length;

    /// <summary>The names of the safety detectors that fired (see <see cref="DetectorNames"/>), in a stable order.</summary>
    public ImmutableArray<string> SafetyDetectors { get; init; } = [];

    /// <summary>Deny patterns abandoned at their time limit; they count as no match.</summary>
    public int EvaluatorTimeouts { get; init; }

    /// <summary>Whether the response is not valid JSON; null when the request did not ask for JSON or it was too large to judge.</summary>
    public bool? JsonInvalid { get; init; }

    /// <summary>Whether valid JSON does not conform to the requested schema; null when no schema applies or it could not be used.</summary>
    public bool? SchemaInvalid { get; init; }

    /// <summary>Why the JSON was invalid, did not conform, or was not judged; null when nothing went wrong.</summary>
    public string? JsonDetail { get; init; }

    /// <summary>Whether a refusal phrase appeared near the start of the response.</summary>
    public bool Refusal { get; init; }

    /// <summary>Whether the response had no text but white space.</summary>
    public bool Empty { get; init; }

    /// <summary>The whole response's length in characters (UTF-16 code units, as <see cref="string.Length"/>).</summary>
    public int ResponseLength { get; init; }

    /// <summary>Whether the response is incomplete (stream cut off, or stopped at <c>max_tokens</c>).</summary>
    public bool Truncated { get; init; }

    /// <summary>Whether the text detectors scanned only the first <see cref="EvaluatorOptions.MaxScanChars"/> characters.</summary>
    public bool ScannedPartially { get; init; }

    /// <summary>Whether UTF-8 input held invalid byte sequences (scanned with U+FFFD in their place; never valid JSON).</summary>
    public bool InvalidUtf8 { get; init; }

    /// <summary>Whether the response counts toward <c>json_invalid_rate</c>: invalid JSON or not conforming to the schema.</summary>
    public bool CountsAsJsonInvalid => JsonInvalid == true || SchemaInvalid == true;
}
