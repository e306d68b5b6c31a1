using System.Collections.Immutable;
using System.Text.Json.Nodes;
using Switchback.Core.OfflineEvals.Scorers;

namespace Switchback.Core.OfflineEvals.Parsing;

/// <summary>The dataset's <c>defaults</c> line: the scorer and variables of cases that set none, and the pass threshold.</summary>
internal sealed record DatasetDefaults(Scorer? Scorer, ImmutableDictionary<string, JsonNode?> Variables, double PassThreshold)
{
    public static DatasetDefaults None { get; } = new(null, ImmutableDictionary<string, JsonNode?>.Empty, EvalDataset.DefaultPassThreshold);
}
