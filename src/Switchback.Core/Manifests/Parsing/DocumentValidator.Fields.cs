using System.Globalization;
using System.Text.Json.Nodes;
using Switchback.Core.Bundles;

namespace Switchback.Core.Manifests.Parsing;

/// <summary>Field readers: each checks one value against its schema type, reports what was expected, and returns the JSON value.</summary>
internal sealed partial class DocumentValidator
{
    /// <summary>Reports every key of <paramref name="map"/> not in <paramref name="allowed"/>.</summary>
    private void CheckKnown(MappingNode map, string path, string[] allowed)
    {
        foreach (var (key, value) in map.Entries)
        {
            if (Array.IndexOf(allowed, key) < 0)
            {
                Error(FieldPath.Child(path, key), $"unknown field '{key}': expected one of {string.Join(", ", allowed)}", value);
            }
        }
    }

    /// <summary>A nested section as a mapping; null (after an error) when it is something else.</summary>
    private MappingNode? Section(MappingNode parent, string path, string key, string[] allowed)
    {
        var node = Get(parent, key);
        if (node is null)
        {
            return null;
        }

        var childPath = FieldPath.Child(path, key);
        if (node is not MappingNode map)
        {
            Error(childPath, $"expected a mapping with fields {string.Join(", ", allowed)}, got {Describe(node)}", node);
            return null;
        }

        CheckKnown(map, childPath, allowed);
        return map;
    }

    private string? RequiredText(MappingNode map, string path, string key, string expected)
    {
        if (Get(map, key) is null)
        {
            Error(FieldPath.Child(path, key), $"required field is missing: expected {expected}", map);
            return null;
        }

        return Text(map, path, key, expected);
    }

    /// <summary>A scalar as text: quoted or plain, so <c>version: 3</c> is "3" and <c>2026-11-20</c> stays as written.</summary>
    private string? Text(MappingNode map, string path, string key, string expected)
    {
        var node = Get(map, key);
        if (node is null)
        {
            return null;
        }

        if (node is ScalarNode { IsNull: false } scalar)
        {
            return scalar.Text;
        }

        Error(FieldPath.Child(path, key), $"expected {expected}, got {Describe(node)}", node);
        return null;
    }

    /// <summary>Copies an optional (or required) text field into <paramref name="target"/>, checked by <paramref name="check"/>.</summary>
    private void CopyText(MappingNode map, JsonObject target, string path, string key, string expected, bool required = false, Func<string, string?>? check = null)
    {
        var text = required ? RequiredText(map, path, key, expected) : Text(map, path, key, expected);
        if (text is null)
        {
            return;
        }

        var problem = check?.Invoke(text);
        if (problem is not null)
        {
            Error(FieldPath.Child(path, key), problem, Get(map, key));
            return;
        }

        target[key] = text;
    }

    /// <summary>Copies a number field, checking the range; integers only when <paramref name="integer"/>.</summary>
    private void CopyNumber(MappingNode map, JsonObject target, string path, string key, double min, double max, bool integer)
    {
        var node = Get(map, key);
        if (node is null)
        {
            return;
        }

        var fieldPath = FieldPath.Child(path, key);
        var expected = integer ? "a whole number" : "a number";
        var range = max < double.MaxValue ? $" from {Format(min)} to {Format(max)}" : min > double.MinValue ? $" of at least {Format(min)}" : string.Empty;
        if (node is not ScalarNode { Quoted: false, IsNull: false } scalar)
        {
            Error(fieldPath, $"expected {expected}{range}, got {Describe(node)}", node);
            return;
        }

        if (!ScalarTyping.TryNumber(scalar.Text, out var canonical, out var error))
        {
            Error(fieldPath, error ?? $"expected {expected}{range}, got {Describe(node)}", node);
            return;
        }

        var value = double.Parse(canonical, NumberStyles.Float, CultureInfo.InvariantCulture);
        var isInteger = !canonical.Contains('.', StringComparison.Ordinal) && !canonical.Contains('e', StringComparison.Ordinal);
        if ((integer && !isInteger) || value < min || value > max || (integer && !long.TryParse(canonical, CultureInfo.InvariantCulture, out _)))
        {
            Error(fieldPath, $"expected {expected}{range}, got {scalar.Text}", node);
            return;
        }

        target[key] = JsonNode.Parse(canonical);
    }

    private static string Format(double value) => value.ToString(CultureInfo.InvariantCulture);
}
