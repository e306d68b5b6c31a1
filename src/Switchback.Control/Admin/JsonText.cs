using System.Text.Json;
using System.Text.Json.Nodes;

namespace Switchback.Control.Admin;

/// <summary>Turns stored JSON text back into nodes for responses.</summary>
internal static class JsonText
{
    /// <summary>The parsed JSON, or the text itself as a JSON string when it is not JSON; null stays null.</summary>
    public static JsonNode? ParseOrString(string? text)
    {
        if (text is null)
        {
            return null;
        }

        try
        {
            return JsonNode.Parse(text);
        }
        catch (JsonException)
        {
            return JsonValue.Create(text);
        }
    }
}
