using System.Text.Json;

namespace Switchback.UpstreamSim.Protocol;

/// <summary>
/// The structured output a request asked for: chat's <c>response_format</c>
/// (<c>{"type":"json_schema","json_schema":{"schema":{…}}}</c>) or the Responses API's <c>text.format</c>
/// (<c>{"type":"json_schema","schema":{…}}</c>); <c>json_object</c> is JSON without a schema. Immutable.
/// </summary>
/// <param name="Json">Whether the answer must be JSON.</param>
/// <param name="Schema">The JSON Schema the answer must match, when one was given (a clone: it outlives the request document).</param>
internal sealed record OutputFormat(bool Json, JsonElement? Schema)
{
    public static OutputFormat Text { get; } = new(false, null);

    /// <summary>Chat: the top-level <c>response_format</c>.</summary>
    public static OutputFormat FromChat(JsonElement root)
        => root.TryGetProperty("response_format", out var format) ? From(format, nested: true) : Text;

    /// <summary>Responses API: <c>text.format</c>.</summary>
    public static OutputFormat FromResponses(JsonElement root)
        => root.TryGetProperty("text", out var text) && text.ValueKind == JsonValueKind.Object && text.TryGetProperty("format", out var format)
            ? From(format, nested: false)
            : Text;

    private static OutputFormat From(JsonElement format, bool nested)
    {
        if (format.ValueKind != JsonValueKind.Object || !format.TryGetProperty("type", out var type) || type.ValueKind != JsonValueKind.String)
        {
            return Text;
        }

        if (type.ValueEquals("json_object"))
        {
            return new OutputFormat(true, null);
        }

        if (!type.ValueEquals("json_schema"))
        {
            return Text;
        }

        var holder = format;
        if (nested && (!format.TryGetProperty("json_schema", out holder) || holder.ValueKind != JsonValueKind.Object))
        {
            return new OutputFormat(true, null);
        }

        return holder.TryGetProperty("schema", out var schema) && schema.ValueKind == JsonValueKind.Object
            ? new OutputFormat(true, schema.Clone())
            : new OutputFormat(true, null);
    }
}
