using System.Text.Json;

namespace Switchback.UpstreamSim.Protocol;

/// <summary>Fields shared by the inference endpoints, read and checked once.</summary>
internal sealed record CommonFields(string? Model, string? TemperatureText, int? MaxTokens, bool Stream, bool IncludeUsage)
{
    private static readonly string[] ChatMaxTokenNames = ["max_tokens", "max_completion_tokens"];

    /// <summary>Reads the shared fields; on a wrong type, returns false with a message naming the field.</summary>
    /// <param name="root">The request body.</param>
    /// <param name="fields">What was read.</param>
    /// <param name="error">The problem, naming the field.</param>
    /// <param name="maxTokenNames">The fields that cap the answer's length; default <c>max_tokens</c>, <c>max_completion_tokens</c>.</param>
    public static bool TryRead(JsonElement root, out CommonFields fields, out string error, string[]? maxTokenNames = null)
    {
        fields = new CommonFields(null, null, null, false, false);
        error = "";
        string? model = null;
        if (root.TryGetProperty("model", out var m))
        {
            if (m.ValueKind != JsonValueKind.String)
            {
                error = "'model' must be a string";
                return false;
            }

            model = m.GetString();
        }

        string? temperature = null;
        if (root.TryGetProperty("temperature", out var t) && t.ValueKind != JsonValueKind.Null)
        {
            if (t.ValueKind != JsonValueKind.Number || t.GetDouble() is < 0 or > 2)
            {
                error = "'temperature' must be a number between 0 and 2";
                return false;
            }

            temperature = t.GetRawText();
        }

        int? maxTokens = null;
        foreach (var name in maxTokenNames ?? ChatMaxTokenNames)
        {
            if (root.TryGetProperty(name, out var mt) && mt.ValueKind != JsonValueKind.Null)
            {
                if (mt.ValueKind != JsonValueKind.Number || !mt.TryGetInt32(out var n) || n < 1)
                {
                    error = $"'{name}' must be an integer of at least 1";
                    return false;
                }

                maxTokens = n;
            }
        }

        if (!TryBool(root, "stream", out var stream, out error))
        {
            return false;
        }

        var includeUsage = false;
        if (root.TryGetProperty("stream_options", out var so) && so.ValueKind == JsonValueKind.Object
            && !TryBool(so, "include_usage", out includeUsage, out error))
        {
            return false;
        }

        fields = new CommonFields(model, temperature, maxTokens, stream, includeUsage);
        return true;
    }

    private static bool TryBool(JsonElement obj, string name, out bool value, out string error)
    {
        value = false;
        error = "";
        if (!obj.TryGetProperty(name, out var e) || e.ValueKind == JsonValueKind.Null)
        {
            return true;
        }

        if (e.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
        {
            error = $"'{name}' must be true or false";
            return false;
        }

        value = e.GetBoolean();
        return true;
    }
}
