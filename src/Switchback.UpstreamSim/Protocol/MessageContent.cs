using System.Text;
using System.Text.Json;

namespace Switchback.UpstreamSim.Protocol;

/// <summary>The text of a message's <c>content</c>, shared by the chat and Responses request parsers.</summary>
internal static class MessageContent
{
    /// <summary>
    /// Reads <paramref name="content"/> as a string, or as an array of content parts whose <c>text</c> fields are joined by
    /// spaces; false for any other kind, or a part that is not an object.
    /// </summary>
    public static bool TryRead(JsonElement content, out string text)
    {
        text = "";
        if (content.ValueKind == JsonValueKind.String)
        {
            text = content.GetString()!;
            return true;
        }

        if (content.ValueKind != JsonValueKind.Array)
        {
            return false;
        }

        var sb = new StringBuilder();
        foreach (var part in content.EnumerateArray())
        {
            if (part.ValueKind != JsonValueKind.Object)
            {
                return false;
            }

            if (part.TryGetProperty("text", out var partText) && partText.ValueKind == JsonValueKind.String)
            {
                sb.Append(sb.Length > 0 ? " " : "").Append(partText.GetString());
            }
        }

        text = sb.ToString();
        return true;
    }
}
