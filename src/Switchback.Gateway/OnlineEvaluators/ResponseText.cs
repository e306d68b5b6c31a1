using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Switchback.Core.OnlineEvaluators;

namespace Switchback.Gateway.OnlineEvaluators;

/// <summary>
/// Turns a captured OpenAI answer into an <see cref="EvaluationInput"/>: a JSON body's <c>choices[0].message.content</c>
/// (chat) or <c>choices[0].text</c> (completions), or a stream's <c>choices[0].delta.content</c> / <c>choices[0].text</c>
/// deltas assembled in order. A Responses API answer (<c>"object": "response"</c>) gives its <c>output_text</c> when
/// present, else the <c>output_text</c> parts of its <c>message</c> output items, in order; its stream, the
/// <c>response.output_text.delta</c> deltas in order. A response cut by <c>max_output_tokens</c> counts as finish reason
/// <c>length</c>, as chat's does. An answer that is only a tool call (chat <c>tool_calls</c>, a Responses
/// <c>function_call</c>), plain or streamed, has no text and is not evaluated. Runs on the evaluation workers, never on the
/// request path. Pure.
/// </summary>
internal static class ResponseText
{
    /// <summary>Nesting limit of the request scan: the default of a full <c>JsonNode.Parse</c> (and of the gateway's request scanner).</summary>
    private const int MaxDepth = 64;

    private static readonly byte[] Done = "[DONE]"u8.ToArray();

    /// <summary>The answer's text with its finish reason, or null when the body is not an OpenAI answer with text.</summary>
    public static EvaluationInput? Read(ReadOnlySpan<byte> body, bool stream) => stream ? ReadStream(body) : ReadJson(body);

    /// <summary>
    /// The output format the request asked for: chat's top-level <c>response_format</c>, else the Responses API's
    /// <c>text.format</c>; <see cref="ResponseFormat.Text"/> when neither is there, when the body is not one well-formed JSON
    /// object, or when the value is ambiguous (the name repeated, or repeated names or invalid UTF-8 inside it). One forward
    /// pass of <see cref="Utf8JsonReader"/>: every other value is skipped, only those two are materialised.
    /// </summary>
    public static ResponseFormat Format(ReadOnlySpan<byte> requestBody)
    {
        JsonNode? format;
        JsonNode? text;
        try
        {
            var reader = new Utf8JsonReader(requestBody, new JsonReaderOptions { MaxDepth = MaxDepth });
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return ResponseFormat.Text;
            }

            format = null;
            text = null;
            var seenFormat = false;
            var seenText = false;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var isFormat = reader.ValueTextEquals("response_format"u8);
                var isText = !isFormat && reader.ValueTextEquals("text"u8);
                reader.Read();
                if (!isFormat && !isText)
                {
                    reader.Skip();
                    continue;
                }

                if (isFormat ? seenFormat : seenText)
                {
                    // Servers disagree on which one wins; no JSON is judged on a guess.
                    return ResponseFormat.Text;
                }

                if (isFormat)
                {
                    seenFormat = true;
                    format = JsonNode.Parse(ref reader);
                }
                else
                {
                    seenText = true;
                    text = JsonNode.Parse(ref reader);
                }
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
            return format is not null || text is not JsonObject textOptions
                ? ResponseFormat.FromRequest(format)
                : ResponseFormat.FromTextFormat(textOptions["format"]);
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
            if (IsResponse(document.RootElement))
            {
                return ResponsesText(document.RootElement) is { } output
                    ? EvaluationInput.FromText(output) with { FinishReason = ResponsesFinish(document.RootElement) }
                    : null;
            }

            if (FirstChoice(document.RootElement) is not { } choice)
            {
                return null;
            }

            var isMessage = choice.TryGetProperty("message", out var message) && message.ValueKind == JsonValueKind.Object;
            var text = isMessage ? StringOf(message, "content") : StringOf(choice, "text");

            // A tool call is not text: with no text beside it there is nothing to judge (as when content is null).
            return text is null || (text.Length == 0 && isMessage && HasItems(message, "tool_calls"))
                ? null
                : EvaluationInput.FromText(text) with { FinishReason = StringOf(choice, "finish_reason") };
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
        var sawToolCall = false;
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
                if (StringOf(chunk.RootElement, "type") is { } type && type.StartsWith("response.", StringComparison.Ordinal))
                {
                    // The Responses API's typed events: text from the deltas, the end from the final event.
                    sawChoice = true;
                    if (type == "response.output_text.delta")
                    {
                        text.Append(StringOf(chunk.RootElement, "delta"));
                    }
                    else if (type == "response.function_call_arguments.delta")
                    {
                        sawToolCall = true;
                    }
                    else if (type is "response.completed" or "response.incomplete" or "response.failed")
                    {
                        done = true;
                        finish = chunk.RootElement.TryGetProperty("response", out var final) ? ResponsesFinish(final) : "stop";
                    }

                    continue;
                }

                if (FirstChoice(chunk.RootElement) is not { } choice)
                {
                    continue;
                }

                sawChoice = true;
                var isDelta = choice.TryGetProperty("delta", out var d) && d.ValueKind == JsonValueKind.Object;
                var delta = isDelta ? StringOf(d, "content") : StringOf(choice, "text");
                sawToolCall |= isDelta && HasItems(d, "tool_calls");
                text.Append(delta);
                finish = StringOf(choice, "finish_reason") ?? finish;
            }
            catch (JsonException)
            {
                // A malformed event is the upstream's problem; the rest of the stream still counts.
            }
        }

        // A streamed tool call with no text is skipped, as the same answer unstreamed is: it is not an empty answer.
        return sawChoice && !(sawToolCall && text.Length == 0)
            ? EvaluationInput.FromText(text.ToString()) with { FinishReason = finish, StreamCutOff = !done && finish is null }
            : null;
    }

    /// <summary>Whether <paramref name="root"/> is a Responses API response object.</summary>
    private static bool IsResponse(JsonElement root)
        => root.ValueKind == JsonValueKind.Object && root.TryGetProperty("object", out var o) && o.ValueKind == JsonValueKind.String && o.ValueEquals("response");

    /// <summary>
    /// A Responses API response's text: <c>output_text</c> when present (some servers and SDKs add it), else the
    /// <c>output_text</c> parts of its <c>message</c> items concatenated; null when it has neither (e.g. only a function call).
    /// </summary>
    internal static string? ResponsesText(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        if (StringOf(root, "output_text") is { } outputText)
        {
            return outputText;
        }

        if (!root.TryGetProperty("output", out var output) || output.ValueKind != JsonValueKind.Array)
        {
            return null;
        }

        StringBuilder? text = null;
        foreach (var item in output.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.Object || StringOf(item, "type") != "message"
                || !item.TryGetProperty("content", out var content) || content.ValueKind != JsonValueKind.Array)
            {
                continue;
            }

            foreach (var part in content.EnumerateArray())
            {
                if (part.ValueKind == JsonValueKind.Object && StringOf(part, "type") == "output_text" && StringOf(part, "text") is { } partText)
                {
                    (text ??= new StringBuilder()).Append(partText);
                }
            }
        }

        return text?.ToString();
    }

    private static string ResponsesFinish(JsonElement response)
        => response.ValueKind == JsonValueKind.Object && response.TryGetProperty("incomplete_details", out var details)
            && details.ValueKind == JsonValueKind.Object && StringOf(details, "reason") == "max_output_tokens"
            ? "length"
            : "stop";

    private static JsonElement? FirstChoice(JsonElement root)
        => root.ValueKind == JsonValueKind.Object && root.TryGetProperty("choices", out var choices)
            && choices.ValueKind == JsonValueKind.Array && choices.GetArrayLength() > 0 && choices[0].ValueKind == JsonValueKind.Object
            ? choices[0]
            : null;

    private static bool HasItems(JsonElement element, string name)
        => element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Array && value.GetArrayLength() > 0;

    private static string? StringOf(JsonElement element, string name)
        => element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
