using System.Text.Json.Nodes;

namespace Switchback.Core.OnlineEvaluators.Detectors;

/// <summary>
/// Removes the schema keywords whose checking would run client-supplied regular expressions. NJsonSchema evaluates
/// <c>pattern</c> and <c>patternProperties</c> with the backtracking engine and no timeout, so one crafted pattern could
/// stall an evaluator worker forever; these constraints are therefore not checked.
/// </summary>
internal static class SchemaSanitizer
{
    private static readonly string[] SchemaMaps = ["properties", "definitions", "$defs", "dependentSchemas"];
    private static readonly string[] SchemaLists = ["allOf", "anyOf", "oneOf", "prefixItems"];
    private static readonly string[] SchemaValues =
        ["items", "additionalItems", "additionalProperties", "not", "contains", "propertyNames", "if", "then", "else", "unevaluatedItems", "unevaluatedProperties"];

    /// <summary>Removes <c>pattern</c> and <c>patternProperties</c> wherever they are schema keywords; true when any was removed.</summary>
    public static bool RemoveRegexKeywords(JsonNode? schema)
    {
        if (schema is not JsonObject node)
        {
            return false;
        }

        var removed = node.Remove("pattern") | node.Remove("patternProperties");
        foreach (var key in SchemaMaps)
        {
            if (node[key] is JsonObject map)
            {
                foreach (var (_, child) in map)
                {
                    removed |= RemoveRegexKeywords(child);
                }
            }
        }

        foreach (var key in SchemaLists)
        {
            if (node[key] is JsonArray list)
            {
                foreach (var child in list)
                {
                    removed |= RemoveRegexKeywords(child);
                }
            }
        }

        foreach (var key in SchemaValues)
        {
            removed |= node[key] is JsonArray tuple
                ? tuple.Aggregate(false, (any, child) => RemoveRegexKeywords(child) | any)
                : RemoveRegexKeywords(node[key]);
        }

        return removed;
    }
}
