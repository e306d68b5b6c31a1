using System.Text.Json;

namespace Switchback.Gateway.Responses;

/// <summary>
/// Finds the id of the response an upstream created, in what the gateway observed of its answer: the top-level <c>id</c>
/// of a JSON response object, or in a stream the <c>response.id</c> of its first event (<c>response.created</c>), which
/// is at the very start of the body. Pure; reads at most the observed head.
/// </summary>
internal static class CreatedResponseId
{
    /// <summary>The id, or null when the observed bytes hold no response object with a string id.</summary>
    public static string? Find(ReadOnlySpan<byte> head, bool stream)
    {
        if (!stream)
        {
            return IdOf(head, nested: false);
        }

        while (!head.IsEmpty)
        {
            var end = head.IndexOf((byte)'\n');
            var line = end < 0 ? head : head[..end];
            head = end < 0 ? default : head[(end + 1)..];
            line = line.TrimEnd((byte)'\r');
            if (line.StartsWith("data:"u8))
            {
                // Only the first event is looked at: OpenAI sends response.created first, with the id.
                return IdOf(line[5..].Trim((byte)' '), nested: true);
            }
        }

        return null;
    }

    private static string? IdOf(ReadOnlySpan<byte> json, bool nested)
    {
        try
        {
            var reader = new Utf8JsonReader(json);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return null;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var wanted = nested ? reader.ValueTextEquals("response"u8) : reader.ValueTextEquals("id"u8);
                reader.Read();
                if (wanted && !nested && reader.TokenType == JsonTokenType.String)
                {
                    return reader.GetString() is { Length: > 0 } id ? id : null;
                }

                if (wanted && nested && reader.TokenType == JsonTokenType.StartObject)
                {
                    while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                    {
                        var isId = reader.ValueTextEquals("id"u8);
                        reader.Read();
                        if (isId && reader.TokenType == JsonTokenType.String)
                        {
                            return reader.GetString() is { Length: > 0 } id ? id : null;
                        }

                        reader.Skip();
                    }

                    return null;
                }

                reader.Skip();
            }
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
            // A body cut off by the observation limit before the id, or not JSON: no id to remember.
        }

        return null;
    }
}
