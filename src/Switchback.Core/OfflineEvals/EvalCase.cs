using System.Collections.Immutable;
using System.Text.Json.Nodes;
using Switchback.Core.OfflineEvals.Scorers;

namespace Switchback.Core.OfflineEvals;

/// <summary>One case of an evaluation dataset: what to send, what is expected and how the answer is scored.</summary>
/// <param name="Id">The case's id, unique in the dataset.</param>
/// <param name="Line">The 1-based line of the dataset the case came from.</param>
/// <param name="Messages">The chat messages sent (a <c>prompt</c> becomes one user message).</param>
/// <param name="Variables">Template variables sent with the request (<c>switchback.variables</c>), over the dataset defaults.</param>
/// <param name="Expected">The expected answer (text, number, or any JSON value), or null.</param>
/// <param name="Scorer">How the answer is scored.</param>
public sealed record EvalCase(
    string Id,
    int Line,
    ImmutableArray<EvalMessage> Messages,
    ImmutableDictionary<string, JsonNode?> Variables,
    JsonNode? Expected,
    Scorer Scorer)
{
    /// <summary>The last user message: the question a judge sees.</summary>
    public string Question => Messages.LastOrDefault(m => m.Role == "user")?.Content ?? string.Empty;

    /// <summary>The expected value as text: a JSON string's value, else the JSON text; empty when absent.</summary>
    public string ExpectedText => Expected switch
    {
        null => string.Empty,
        JsonValue v when v.TryGetValue<string>(out var s) => s,
        var other => other.ToJsonString(),
    };
}
