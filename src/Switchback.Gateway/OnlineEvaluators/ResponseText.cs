using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Switchback.Core.OnlineEvaluators;

namespace Switchback.Gateway.OnlineEvaluators;

/// <summary>
/// Turns a captured OpenAI answer into an <see cref="EvaluationInput"/>: a JSON body's <c>choices[0].message.content</c>
/// (chat) or <c>choices[0].text</c> (completions), or a stream's <c>choices[0].delta.content</c> / <c>choices[0].text</c>
/// deltas assembled in order. Runs on the evaluation workers, never on the request path. Pure.
/// </summary>
internal static class ResponseText
{
    /// <summary>Nesting limit of the request scan: the default of a full <c>JsonNode.Parse</c> (and of the gateway's request scanner).</summary>
    private const int MaxDepth = 64;

    private static readonly byte[] Done = "[DONE]"u8.ToArray();

    /// <summary>The answer's text with its finish reason, or null when the body is not an OpenAI answer with text.</summary>
    public static EvaluationInput? Read(ReadOnlySpan<byte> body, bool stream) => stream ? ReadStream(body) : ReadJson(body);

    /// <summary>
    /// The request's top-level <c>response_format</c>; <see cref="ResponseFormat.Text"/> when absent, when the body is not
    /// one well-formed JSON object, or when the value is ambiguous (the name repeated, or repeated names or invalid UTF-8
    /// inside it). One forward pass of <see cref="Utf8JsonReader"/>: every other value is skipped, only
    /// <c>response_format</c>'s is materialised.
    /// </summary>
    public static ResponseFormat Format(ReadOnlySpan<byte> requestBody)
    {
        JsonNode? format;
        try
        {
            var reader = new Utf8JsonReader(requestBody, new JsonReaderOptions { MaxDepth = MaxDepth });
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return ResponseFormat.Text;
            }

            format = null;
            var seen = false;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var isFormat = reader.ValueTextEquals("response_format"u8);
                reader.Read();
                if (!isFormat)
                {
                    reader.Skip();
                    continue;
                }

                if (seen)
                {
                    // Servers disagree on which one wins; no JSON is judged on a guess.
                    return ResponseFormat.Text;
                }

                seen = true;
                format = JsonNode.Parse(ref reader);
            }

            // Syntax is checked to the end, as a full parse would: a body cut off or with anything after the object is not JSON.
            if (reader.Read())
            {
                return ResponseFormat.Text;
            }
        }
        catch (JsonException)
        {
            return ResponseFormat.Text;
        }

        try
        {
            return ResponseFormat.FromRequest(format);
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidOperationException)
        {
            // A JsonObject reads its properties lazily: a repeated name (ArgumentException) or a name or string that is not
            // valid UTF-8 (InvalidOperationException) surfaces here, not as a JsonException.
            return ResponseFormat.Text;
        }
    }

    private static EvaluationInput? ReadJson(ReadOnlySpan<byte> body)
    {
        try
        {
            var reader = new Utf8JsonReader(body);
            using var document = JsonDocument.ParseValue(ref reader);
            if (FirstChoice(document.RootElement) is not { } choice)
            {
                return null;
            }

            var text = choice.TryGetProperty("message", out var message) && message.ValueKind == JsonValueKind.Object
                ? StringOf(message, "content")
                : StringOf(choice, "text");
            return text is null ? null : EvaluationInput.FromText(text) with { FinishReason = StringOf(choice, "finish_reason") };
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static EvaluationInput? ReadStream(ReadOnlySpan<byte> body)
    {
        var text = new StringBuilder();
        string? finish = null;
        var done = false;
        var sawChoice = false;
        while (!body.IsEmpty)
        {
            var end = body.IndexOf((byte)'\n');
            var line = end < 0 ? body : body[..end];
            body = end < 0 ? default : body[(end + 1)..];
            line = line.TrimEnd((byte)'\r');
            if (!line.StartsWith("data:"u8))
            {
                continue;
            }

            var data = line[5..].Trim((byte)' ');
            if (data.SequenceEqual(Done))
            {
                done = true;
                continue;
            }

            try
            {
                var reader = new Utf8JsonReader(data);
                using var chunk = JsonDocument.ParseValue(ref reader);
                if (FirstChoice(chunk.RootElement) is not { } choice)
                {
                    continue;
                }

                sawChoice = true;
                var delta = choice.TryGetProperty("delta", out var d) && d.ValueKind == JsonValueKind.Object
                    ? StringOf(d, "content")
                    : StringOf(choice, "text");
                text.Append(delta);
                finish = StringOf(choice, "finish_reason") ?? finish;
            }
            catch (JsonException)
            {
                // A malformed event is the upstream's problem; the rest of the stream still counts.
            }
        }

        return sawChoice
            ? EvaluationInput.FromText(text.ToString()) with { FinishReason = finish, StreamCutOff = !done && finish is null }
            : null;
    }

    private static JsonElement? FirstChoice(JsonElement root)
        => root.ValueKind == JsonValueKind.Object && root.TryGetProperty("choices", out var choices)
            && choices.ValueKind == JsonValueKind.Array && choices.GetArrayLength() > 0 && choices[0].ValueKind == JsonValueKind.Object
            ? choices[0]
            : null;

    private static string? StringOf(JsonElement element, string name)
        => element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
