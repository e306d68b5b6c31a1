using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Switchback.Core.Bundles;
using Switchback.Core.Manifests;

namespace Switchback.Core.Rollouts;

/// <summary>Field readers: each checks one value, reports what was expected at its path, and returns the typed value or null.</summary>
internal sealed partial class RolloutSpecParser
{
    private void Error(string path, string message)
        => _errors.Add(new ManifestError(source, index, path.Length == 0 ? ManifestError.DocumentPath : path, message));

    private void CheckKnown(JsonObject map, string path, string[] allowed)
    {
        foreach (var (key, _) in map)
        {
            if (Array.IndexOf(allowed, key) < 0)
            {
                Error(FieldPath.Child(path, key), $"unknown field '{key}': expected one of {string.Join(", ", allowed)}");
            }
        }
    }

    private JsonObject? Mapping(JsonObject parent, string path, string key, string[] allowed)
    {
        if (!parent.TryGetPropertyValue(key, out var node))
        {
            return null;
        }

        return Item(node, FieldPath.Child(path, key), allowed);
    }

    /// <summary>A node that must be a mapping with only <paramref name="allowed"/> keys; <c>{}</c> and null are an empty mapping.</summary>
    private JsonObject? Item(JsonNode? node, string path, string[] allowed)
    {
        if (node is null)
        {
            return [];
        }

        if (node is not JsonObject map)
        {
            Error(path, $"expected a mapping with fields {string.Join(", ", allowed)}, got {Describe(node)}");
            return null;
        }

        CheckKnown(map, path, allowed);
        return map;
    }

    private JsonArray List(JsonObject parent, string path, string key, string expected)
    {
        if (!parent.TryGetPropertyValue(key, out var node))
        {
            return [];
        }

        if (node is JsonArray list)
        {
            return list;
        }

        Error(FieldPath.Child(path, key), $"expected {expected}, got {Describe(node)}");
        return [];
    }

    private string? Text(JsonObject map, string path, string key, string expected, bool required = false)
    {
        var present = map.TryGetPropertyValue(key, out var node);
        if (!present)
        {
            if (required)
            {
                Error(FieldPath.Child(path, key), $"required field is missing: expected {expected}");
            }

            return null;
        }

        if (node is JsonValue value && value.GetValueKind() == JsonValueKind.String && value.GetValue<string>().Length > 0)
        {
            return value.GetValue<string>();
        }

        Error(FieldPath.Child(path, key), $"expected {expected}, got {Describe(node)}");
        return null;
    }

    private bool? Bool(JsonObject map, string path, string key)
    {
        if (!map.TryGetPropertyValue(key, out var node))
        {
            return null;
        }

        if (node is JsonValue value && value.GetValueKind() is JsonValueKind.True or JsonValueKind.False)
        {
            return value.GetValue<bool>();
        }

        Error(FieldPath.Child(path, key), $"expected true or false, got {Describe(node)}");
        return null;
    }

    private double? Number(JsonObject map, string path, string key, string expected, Func<double, bool> valid, bool required = false)
    {
        if (!map.TryGetPropertyValue(key, out var node))
        {
            if (required)
            {
                Error(FieldPath.Child(path, key), $"required field is missing: expected {expected}");
            }

            return null;
        }

        if (node is JsonValue value && value.GetValueKind() == JsonValueKind.Number)
        {
            var number = value.GetValue<double>();
            if (double.IsFinite(number) && valid(number))
            {
                return number;
            }
        }

        Error(FieldPath.Child(path, key), $"expected {expected}, got {Describe(node)}");
        return null;
    }

    private long? Integer(JsonObject map, string path, string key, long min, long max)
    {
        var expected = max == long.MaxValue ? $"a whole number of at least {min}" : $"a whole number from {min} to {max}";
        var number = Number(map, path, key, expected, v => v == Math.Floor(v) && v >= min && v <= max);
        return number is null ? null : (long)number.Value;
    }

    private TimeSpan? Duration(JsonObject map, string path, string key, bool required)
    {
        const string Expected = "a duration such as 30s, 5m, 1h30m or 2d";
        var text = Text(map, path, key, Expected, required);
        if (text is null)
        {
            return null;
        }

        if (TryParseDuration(text, out var duration))
        {
            return duration;
        }

        Error(FieldPath.Child(path, key), $"'{text}' is not a duration: expected {Expected} (greater than zero)");
        return null;
    }

    /// <summary>Parses <c>2d</c>, <c>1h30m</c>, <c>90s</c>…: whole units in descending order, total above zero.</summary>
    internal static bool TryParseDuration(string text, out TimeSpan duration)
    {
        duration = TimeSpan.Zero;
        var match = DurationPattern().Match(text);
        if (!match.Success || text.Length == 0)
        {
            return false;
        }

        double total = 0;
        string[] units = ["d", "h", "m", "s"];
        double[] seconds = [86_400, 3_600, 60, 1];
        for (var i = 0; i < units.Length; i++)
        {
            if (match.Groups[units[i]].Success)
            {
                total += double.Parse(match.Groups[units[i]].Value, CultureInfo.InvariantCulture) * seconds[i];
            }
        }

        // A year is far beyond any rollout; the cap also keeps TimeSpan arithmetic from overflowing.
        if (total <= 0 || total > 366 * 86_400)
        {
            return false;
        }

        duration = TimeSpan.FromSeconds(total);
        return true;
    }

    private static string Describe(JsonNode? node) => node switch
    {
        null => "nothing (null)",
        JsonObject => "a mapping",
        JsonArray => "a list",
        JsonValue v when v.GetValueKind() == JsonValueKind.String => $"the string \"{Shorten(v.GetValue<string>())}\"",
        _ => Shorten(node.ToJsonString()),
    };

    private static string Shorten(string text) => text.Length <= 40 ? text : text[..40] + "…";

    [GeneratedRegex(@"^(?:(?<d>\d{1,6})d)?(?:(?<h>\d{1,6})h)?(?:(?<m>\d{1,6})m)?(?:(?<s>\d{1,6})s)?$")]
    private static partial Regex DurationPattern();
}
