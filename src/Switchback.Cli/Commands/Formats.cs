using System.Globalization;
using System.Text.Json.Nodes;

namespace Switchback.Cli.Commands;

/// <summary>Text formatting shared by the verbs' text output.</summary>
internal static class Formats
{
    /// <summary>An ISO time from the API as "yyyy-MM-dd HH:mm:ss" UTC; empty for null.</summary>
    public static string Time(JsonNode? value)
        => value is not null && DateTimeOffset.TryParse(value.GetValue<string>(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time)
            ? time.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture)
            : string.Empty;

    /// <summary>A JSON value as plain text: strings without quotes, null as empty.</summary>
    public static string Text(JsonNode? value) => value switch
    {
        null => string.Empty,
        JsonValue v when v.TryGetValue<string>(out var s) => s,
        _ => value.ToJsonString(),
    };

    /// <summary>The items of a JSON array joined by ", ".</summary>
    public static string List(JsonNode? value) => string.Join(", ", value?.AsArray().Select(Text) ?? []);

    /// <summary>A count from the API; "0" for null.</summary>
    public static string Count(JsonNode? value) => value is null ? "0" : Text(value);
}
