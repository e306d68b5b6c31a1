using System.Text.Json.Nodes;
using Switchback.Core.Bundles;

namespace Switchback.Control.Admin;

/// <summary>Field-level differences between two canonical bundles, as the admin API shows them.</summary>
internal static class Differences
{
    public static IReadOnlyList<DifferenceView> Compare(string canonicalBefore, string canonicalAfter)
        => [.. BundleDiff.Compare(canonicalBefore, canonicalAfter).Select(d => new DifferenceView(d.Path, ToNode(d.Before), ToNode(d.After)))];

    private static JsonNode? ToNode(object? value) => value switch
    {
        null => null,
        JsonNode node => node.DeepClone(),
        string text => JsonText.ParseOrString(text),
        _ => JsonValue.Create(value.ToString()),
    };
}
