using System.Text.Json;

namespace Switchback.UpstreamSim.Protocol;

/// <summary>Writes a property that is JSON <c>null</c> when its value is absent; used by the <c>sim</c> echo objects.</summary>
internal static class JsonWriterNulls
{
    /// <summary>A string property, or null.</summary>
    public static void WriteStringOrNull(this Utf8JsonWriter json, string name, string? value)
    {
        if (value is null)
        {
            json.WriteNull(name);
        }
        else
        {
            json.WriteString(name, value);
        }
    }

    /// <summary>A property holding <paramref name="raw"/> JSON as received, or null.</summary>
    public static void WriteRawOrNull(this Utf8JsonWriter json, string name, string? raw)
    {
        json.WritePropertyName(name);
        if (raw is null)
        {
            json.WriteNullValue();
        }
        else
        {
            json.WriteRawValue(raw, skipInputValidation: true);
        }
    }

    /// <summary>A number property, or null.</summary>
    public static void WriteNumberOrNull(this Utf8JsonWriter json, string name, int? value)
    {
        if (value is { } v)
        {
            json.WriteNumber(name, v);
        }
        else
        {
            json.WriteNull(name);
        }
    }
}
