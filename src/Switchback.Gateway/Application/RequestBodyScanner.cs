using System.Text.Json;
using System.Text.Unicode;

namespace Switchback.Gateway.Application;

/// <summary>
/// Validates a request body and finds its <see cref="RequestFields"/> in one pass of <see cref="Utf8JsonReader"/>,
/// without building a DOM: the body is a single JSON object (syntax checked to the end, nothing after it) whose
/// <c>model</c> is a string; <c>model</c>, <c>user</c>, <c>messages</c>, <c>input</c>, <c>instructions</c>,
/// <c>previous_response_id</c>, <c>conversation</c>, <c>stream</c> and <c>switchback</c> may appear once each.
/// Stateless and thread-safe; allocates only the strings it returns.
/// </summary>
internal static class RequestBodyScanner
{
    /// <summary>The fields of <paramref name="body"/>, or the 400 to answer with.</summary>
    public static ApplyError? Scan(ReadOnlySpan<byte> body, out RequestFields fields)
    {
        fields = default;
        string? model = null;
        string? user = null;
        var modelSeen = false;
        var userSeen = false;
        var options = default(Range);
        var hasOptions = false;
        var messages = JsonTokenType.None;
        var input = JsonTokenType.None;
        var instructions = JsonTokenType.None;
        var instructionsValue = default(Range);
        var previous = JsonTokenType.None;
        string? previousId = null;
        var conversation = JsonTokenType.None;
        string? conversationId = null;
        var stream = JsonTokenType.None;
        try
        {
            var reader = new Utf8JsonReader(body);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                if (reader.TokenType is JsonTokenType.StartArray)
                {
                    reader.Skip();
                }

                while (reader.Read())
                {
                    // Reads to the end so that a syntax error is reported as such rather than as "not an object".
                }

                return InvalidJson("the body must be a JSON object");
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var name = Known(ref reader);
                if (name is not null && name switch
                {
                    "model" => modelSeen,
                    "user" => userSeen,
                    "messages" => messages != JsonTokenType.None,
                    "input" => input != JsonTokenType.None,
                    "instructions" => instructions != JsonTokenType.None,
                    "previous_response_id" => previous != JsonTokenType.None,
                    "conversation" => conversation != JsonTokenType.None,
                    "stream" => stream != JsonTokenType.None,
                    _ => hasOptions,
                })
                {
                    return InvalidJson($"the property '{name}' appears more than once");
                }

                reader.Read();
                var start = (int)reader.TokenStartIndex;
                var kind = reader.TokenType;
                switch (name)
                {
                    case "model":
                        modelSeen = true;
                        if (kind == JsonTokenType.String && !TryGetText(ref reader, out model))
                        {
                            return NotText("model");
                        }

                        break;
                    case "user":
                        userSeen = true;
                        if (kind == JsonTokenType.String && !TryGetText(ref reader, out user))
                        {
                            return NotText("user");
                        }

                        break;
                    case "messages":
                        messages = kind;
                        break;
                    case "input":
                        input = kind;
                        break;
                    case "instructions":
                        instructions = kind;
                        if (kind == JsonTokenType.String && !TryGetText(ref reader, out _))
                        {
                            return NotText("instructions");
                        }

                        break;
                    case "previous_response_id":
                        previous = kind;
                        if (kind == JsonTokenType.String && !TryGetText(ref reader, out previousId))
                        {
                            return NotText("previous_response_id");
                        }

                        break;
                    case "conversation":
                        conversation = kind;
                        if (kind == JsonTokenType.String && !TryGetText(ref reader, out conversationId))
                        {
                            return NotText("conversation");
                        }

                        if (kind == JsonTokenType.StartObject && !TryReadConversationId(ref reader, out conversationId))
                        {
                            return NotText("conversation.id");
                        }

                        break;
                    case "stream":
                        stream = kind;
                        break;
                    case "switchback":
                        hasOptions = true;
                        break;
                }

                reader.Skip();
                if (name == "instructions")
                {
                    instructionsValue = start..(int)reader.BytesConsumed;
                }

                if (name == "switchback")
                {
                    options = start..(int)reader.BytesConsumed;

                    // The reader checks structure, not the UTF-8 inside strings; the variables are decoded later, so check them now.
                    if (!Utf8.IsValid(body[options]))
                    {
                        return NotText("switchback");
                    }
                }
            }

            if (reader.Read())
            {
                return InvalidJson($"'{(char)body[(int)reader.TokenStartIndex]}' after the end of the object");
            }
        }
        catch (JsonException ex)
        {
            return InvalidJson(ex.Message);
        }

        if (model is null)
        {
            return new ApplyError(400, "invalid_request_error", "invalid_model", "'model' must be a deployment name (or deployment@version) string");
        }

        fields = new RequestFields(model, user, options, hasOptions, messages)
        {
            Input = input,
            Instructions = instructions,
            InstructionsValue = instructionsValue,
            PreviousResponseIdToken = previous,
            PreviousResponseId = previousId,
            ConversationToken = conversation,
            ConversationId = conversationId,
            Stream = stream == JsonTokenType.True,
        };
        return null;
    }

    /// <summary>
    /// Reads a <c>conversation</c> object to its end (the reader is left on its closing brace) and returns its <c>id</c> when
    /// that is a string (null otherwise); false when the id is not text.
    /// </summary>
    private static bool TryReadConversationId(ref Utf8JsonReader reader, out string? id)
    {
        id = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var isId = reader.ValueTextEquals("id"u8);
            reader.Read();
            if (isId && reader.TokenType == JsonTokenType.String)
            {
                if (!TryGetText(ref reader, out id))
                {
                    return false;
                }
            }
            else if (isId)
            {
                id = null;
            }

            reader.Skip();
        }

        return true;
    }

    /// <summary>The string value, or false when it is not valid UTF-8 or its escapes make a lone surrogate (not text).</summary>
    private static bool TryGetText(ref Utf8JsonReader reader, out string? text)
    {
        text = null;
        try
        {
            text = reader.GetString()!;
        }
        catch (InvalidOperationException)
        {
            // GetString throws this (not JsonException) for bytes or escapes that do not transcode.
            return false;
        }

        for (var i = 0; i < text.Length; i++)
        {
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(text[i]))
            {
                text = null;
                return false;
            }
        }

        return true;
    }

    private static ApplyError NotText(string field) => InvalidJson($"'{field}' is not valid UTF-8 text");

    private static string? Known(ref Utf8JsonReader reader)
        => reader.ValueTextEquals("model"u8) ? "model"
            : reader.ValueTextEquals("user"u8) ? "user"
            : reader.ValueTextEquals("messages"u8) ? "messages"
            : reader.ValueTextEquals("input"u8) ? "input"
            : reader.ValueTextEquals("instructions"u8) ? "instructions"
            : reader.ValueTextEquals("previous_response_id"u8) ? "previous_response_id"
            : reader.ValueTextEquals("conversation"u8) ? "conversation"
            : reader.ValueTextEquals("stream"u8) ? "stream"
            : reader.ValueTextEquals("switchback"u8) ? BundleApplier.OptionsField
            : null;

    private static ApplyError InvalidJson(string detail)
        => new(400, "invalid_request_error", "invalid_json", $"the request body is not valid JSON: {detail}");
}
