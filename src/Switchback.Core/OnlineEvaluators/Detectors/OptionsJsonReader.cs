using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Switchback.Core.OnlineEvaluators.Detectors;

/// <summary>Reads typed fields from a JSON object, collecting an error with the field path for each bad one.</summary>
internal sealed class OptionsJsonReader(List<EvaluatorOptionsError> errors)
{
    /// <summary>Records an error at <paramref name="path"/>.</summary>
    public void Error(string path, string message) => errors.Add(new EvaluatorOptionsError(path, message));

    /// <summary>Reports fields of <paramref name="node"/> not in <paramref name="known"/>: a typo must not silently disable a check.</summary>
    public void RejectUnknown(JsonObject node, string path, params string[] known)
    {
        foreach (var (key, _) in node)
        {
            if (!known.Contains(key, StringComparer.Ordinal))
            {
                Error($"{path}.{key}", $"unknown field: expected one of {string.Join(", ", known)}");
            }
        }
    }

    /// <summary>The object at <paramref name="key"/>, null when absent or (with an error) not an object.</summary>
    public JsonObject? Object(JsonObject node, string key, string path)
    {
        var value = node[key];
        if (value is null || value is JsonObject)
        {
            return value as JsonObject;
        }

        Error($"{path}.{key}", $"expected a map, found {Kind(value)}");
        return null;
    }

    /// <summary>The array at <paramref name="key"/>, null when absent or (with an error) not an array.</summary>
    public JsonArray? Array(JsonObject node, string key, string path)
    {
        var value = node[key];
        if (value is null || value is JsonArray)
        {
            return value as JsonArray;
        }

        Error($"{path}.{key}", $"expected a list, found {Kind(value)}");
        return null;
    }

    /// <summary>The boolean at <paramref name="key"/>, or <paramref name="fallback"/> when absent or wrong.</summary>
    public bool Bool(JsonObject node, string key, string path, bool fallback)
    {
        var value = node[key];
        if (value is null)
        {
            return fallback;
        }

        if (value.GetValueKind() is JsonValueKind.True or JsonValueKind.False)
        {
            return value.GetValue<bool>();
        }

        Error($"{path}.{key}", $"expected true or false, found {Kind(value)}");
        return fallback;
    }

    /// <summary>The number at <paramref name="key"/>, or <paramref name="fallback"/> when absent or wrong.</summary>
    public double Number(JsonObject node, string key, string path, double fallback)
    {
        var value = node[key];
        if (value is null)
        {
            return fallback;
        }

        // ToJsonString works for every JsonValue backing (parsed element, long, decimal) the manifest reader may produce.
        if (value.GetValueKind() == JsonValueKind.Number
            && double.TryParse(value.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var number)
            && double.IsFinite(number))
        {
            return number;
        }

        Error($"{path}.{key}", $"expected a number, found {Kind(value)}");
        return fallback;
    }

    /// <summary>The whole number at <paramref name="key"/>, or <paramref name="fallback"/> when absent or wrong.</summary>
    public int Integer(JsonObject node, string key, string path, int fallback)
    {
        var number = Number(node, key, path, double.NaN);
        if (double.IsNaN(number))
        {
            return fallback;
        }

        if (number != Math.Floor(number) || number is < int.MinValue or > int.MaxValue)
        {
            Error($"{path}.{key}", $"expected a whole number, found {number.ToString(CultureInfo.InvariantCulture)}");
            return fallback;
        }

        return (int)number;
    }

    /// <summary>The string <paramref name="value"/> holds, else null with an error at <paramref name="path"/>.</summary>
    public string? String(JsonNode? value, string path)
    {
        if (value is not null && value.GetValueKind() == JsonValueKind.String)
        {
            return value.GetValue<string>();
        }

        Error(path, $"expected a string, found {Kind(value)}");
        return null;
    }

    private static string Kind(JsonNode? value) => value?.GetValueKind() switch
    {
        null or JsonValueKind.Null => "nothing",
        JsonValueKind.Object => "a map",
        JsonValueKind.Array => "a list",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        _ => "a boolean",
    };
}
