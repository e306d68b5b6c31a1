using System.Text.Json;
using System.Text.Json.Nodes;

namespace Switchback.Core.OnlineEvaluators;

/// <summary>The output format a request asked for.</summary>
/// <param name="Kind">Text, any JSON object, or JSON conforming to <paramref name="SchemaText"/>.</param>
/// <param name="SchemaText">The JSON Schema as JSON text when <paramref name="Kind"/> is <see cref="ResponseFormatKind.JsonSchema"/>.</param>
public sealed record ResponseFormat(ResponseFormatKind Kind, string? SchemaText = null)
{
    /// <summary>Free text: no JSON checks.</summary>
    public static ResponseFormat Text { get; } = new(ResponseFormatKind.Text);

    /// <summary>Any JSON object (<c>{"type": "json_object"}</c>).</summary>
    public static ResponseFormat JsonObject { get; } = new(ResponseFormatKind.JsonObject);

    /// <summary>Whether the request asked for JSON.</summary>
    public bool WantsJson => Kind is ResponseFormatKind.JsonObject or ResponseFormatKind.JsonSchema;

    /// <summary>JSON conforming to the schema given as JSON text.</summary>
    public static ResponseFormat JsonSchema(string schemaText)
    {
        ArgumentNullException.ThrowIfNull(schemaText);
        return new ResponseFormat(ResponseFormatKind.JsonSchema, schemaText);
    }

    /// <summary>
    /// Reads an OpenAI request's <c>response_format</c> value: <c>{"type": "json_object"}</c> or
    /// <c>{"type": "json_schema", "json_schema": {"name": …, "schema": {…}}}</c>. A <c>json_schema</c> without a schema
    /// object is still checked as a JSON object; anything else is <see cref="Text"/>, so no JSON is judged on a guess.
    /// </summary>
    public static ResponseFormat FromRequest(JsonNode? responseFormat)
    {
        if (responseFormat is not System.Text.Json.Nodes.JsonObject format
            || format["type"] is not JsonValue type
            || type.GetValueKind() != JsonValueKind.String)
        {
            return Text;
        }

        return type.GetValue<string>() switch
        {
            "json_object" => JsonObject,
            "json_schema" when format["json_schema"]?["schema"] is System.Text.Json.Nodes.JsonObject schema => JsonSchema(schema.ToJsonString()),
            "json_schema" => JsonObject,
            _ => Text,
        };
    }

    /// <summary>
    /// Reads a Responses API request's <c>text.format</c> value: <c>{"type": "json_object"}</c> or
    /// <c>{"type": "json_schema", "name": …, "schema": {…}, "strict": true}</c> (the schema beside the type, not nested as in
    /// chat's <c>response_format</c>). Same fallbacks as <see cref="FromRequest"/>.
    /// </summary>
    public static ResponseFormat FromTextFormat(JsonNode? textFormat)
    {
        if (textFormat is not System.Text.Json.Nodes.JsonObject format
            || format["type"] is not JsonValue type
            || type.GetValueKind() != JsonValueKind.String)
        {
            return Text;
        }

        return type.GetValue<string>() switch
        {
            "json_object" => JsonObject,
            "json_schema" when format["schema"] is System.Text.Json.Nodes.JsonObject schema => JsonSchema(schema.ToJsonString()),
            "json_schema" => JsonObject,
            _ => Text,
        };
    }
}
