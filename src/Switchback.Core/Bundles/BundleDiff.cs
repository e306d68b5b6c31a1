using System.Text.Json;
using System.Text.Json.Nodes;

namespace Switchback.Core.Bundles;

/// <summary>
/// Field-by-field differences between two bundles. Objects are compared key by key, recursively; arrays and scalars are
/// compared as whole values at their path (a changed <c>serving.stop</c> list is one difference).
/// </summary>
public static class BundleDiff
{
    /// <summary>
    /// The differing fields of two canonical JSON documents, ordered by path (keys in ordinal order). Empty when equal.
    /// Throws <see cref="ArgumentException"/> when either text is not JSON.
    /// </summary>
    public static IReadOnlyList<FieldDifference> Compare(string canonicalJsonA, string canonicalJsonB)
    {
        ArgumentNullException.ThrowIfNull(canonicalJsonA);
        ArgumentNullException.ThrowIfNull(canonicalJsonB);
        var a = Parse(canonicalJsonA, nameof(canonicalJsonA));
        var b = Parse(canonicalJsonB, nameof(canonicalJsonB));
        var differences = new List<FieldDifference>();
        if (a is JsonObject objA && b is JsonObject objB)
        {
            CompareObjects(string.Empty, objA, objB, differences);
        }
        else
        {
            CompareValues("(root)", a, b, differences);
        }

        return differences;
    }

    private static JsonNode? Parse(string text, string name)
    {
        try
        {
            return JsonNode.Parse(text);
        }
        catch (JsonException ex)
        {
            throw new ArgumentException($"not JSON: {ex.Message}", name, ex);
        }
    }

    private static void CompareObjects(string path, JsonObject a, JsonObject b, List<FieldDifference> differences)
    {
        var keys = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var pair in a)
        {
            keys.Add(pair.Key);
        }

        foreach (var pair in b)
        {
            keys.Add(pair.Key);
        }

        foreach (var key in keys)
        {
            var childPath = FieldPath.Child(path, key);
            var inA = a.TryGetPropertyValue(key, out var valueA);
            var inB = b.TryGetPropertyValue(key, out var valueB);
            if (!inA)
            {
                differences.Add(new FieldDifference(childPath, null, CanonicalJson.Serialize(valueB)));
            }
            else if (!inB)
            {
                differences.Add(new FieldDifference(childPath, CanonicalJson.Serialize(valueA), null));
            }
            else if (valueA is JsonObject childA && valueB is JsonObject childB)
            {
                CompareObjects(childPath, childA, childB, differences);
            }
            else
            {
                CompareValues(childPath, valueA, valueB, differences);
            }
        }
    }

    private static void CompareValues(string path, JsonNode? a, JsonNode? b, List<FieldDifference> differences)
    {
        var before = CanonicalJson.Serialize(a);
        var after = CanonicalJson.Serialize(b);
        if (!string.Equals(before, after, StringComparison.Ordinal))
        {
            differences.Add(new FieldDifference(path, before, after));
        }
    }
}
