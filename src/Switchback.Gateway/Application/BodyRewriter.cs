using System.Buffers;
using System.Text.Json;
using System.Text.Json.Nodes;
using Switchback.Gateway.Bundles;

namespace Switchback.Gateway.Application;

/// <summary>
/// Applies a bundle to a request body as one streaming copy, with the same result as <see cref="BundleApplier"/> on a
/// DOM: the client's bytes are copied as they are, except that <c>model</c> is replaced, the <c>switchback</c> options are
/// left out, the rendered system message goes first in <c>messages</c> (chat) or into <c>instructions</c> (responses), and
/// missing serving defaults are added at the end.
/// The bundle's parts come pre-encoded from <see cref="BundleRewrite"/>. Stateless and thread-safe; allocates the
/// result (and, when the request brings variables, the rendered prompt).
/// </summary>
internal static class BodyRewriter
{
    /// <summary>Reads the <c>switchback.variables</c> of the body into <paramref name="into"/>, or returns why they are malformed.</summary>
    public static ApplyError? TakeVariables(ReadOnlySpan<byte> body, in RequestFields fields, IDictionary<string, JsonNode?> into)
    {
        if (!fields.HasOptions)
        {
            return null;
        }

        // Rare and small: parsed as a DOM so the variables keep their JSON types for the template.
        var options = JsonNode.Parse(body[fields.Options]);
        if (options is null)
        {
            return null;
        }

        if (options is not JsonObject o || (o["variables"] is { } v && v is not JsonObject))
        {
            return new ApplyError(400, "invalid_request_error", "invalid_switchback_options", "'switchback' must be an object with an optional 'variables' object");
        }

        if (o["variables"] is JsonObject vars)
        {
            foreach (var (name, value) in vars)
            {
                into[name] = value?.DeepClone();
            }
        }

        return null;
    }

    /// <summary>
    /// The body to send to <paramref name="bundle"/>'s upstream, or why the bundle cannot take this request; throws
    /// <see cref="OperationCanceledException"/> when <paramref name="cancellationToken"/> (the client's) fires while the prompt renders.
    /// </summary>
    public static ApplyError? Rewrite(byte[] raw, in RequestFields fields, ServingBundle bundle, EndpointKind kind, IReadOnlyDictionary<string, JsonNode?> variables, CancellationToken cancellationToken, out byte[] body)
    {
        body = raw;
        var rewrite = bundle.Rewrite;
        ReadOnlySpan<byte> system = default;
        ReadOnlySpan<byte> instructions = default;
        if (kind is EndpointKind.Chat or EndpointKind.Responses && (bundle.SystemTemplate is not null || bundle.TemplateError is not null))
        {
            if (bundle.TemplateError is { } parseError)
            {
                return new ApplyError(500, "server_error", "bundle_template_invalid", $"the prompt.system template of {bundle.Deployment}@{bundle.Version} does not parse: {parseError}");
            }

            if (kind == EndpointKind.Chat)
            {
                if (fields.Messages != JsonTokenType.StartArray)
                {
                    return new ApplyError(400, "invalid_request_error", "invalid_messages", "'messages' must be an array");
                }

                var (message, renderError) = rewrite.RenderSystemMessage(bundle, variables, cancellationToken);
                if (renderError is not null)
                {
                    return renderError;
                }

                system = message;
            }
            else
            {
                var (merged, mergeError) = Instructions(raw, fields, bundle, variables, cancellationToken);
                if (mergeError is not null)
                {
                    return mergeError;
                }

                instructions = merged;
            }
        }

        var defaults = rewrite.DefaultPropertiesByKind[(int)kind];
        if (system.IsEmpty && instructions.IsEmpty && defaults.Length == 0 && rewrite.ModelJson is null && !fields.HasOptions)
        {
            return null;
        }

        var bound = raw.Length + system.Length + instructions.Length + 20 + (rewrite.ModelJson?.Length ?? 0);
        foreach (var d in defaults)
        {
            bound += d.Length + 1;
        }

        var buffer = ArrayPool<byte>.Shared.Rent(bound);
        try
        {
            var length = Write(raw, buffer, rewrite, system, instructions, defaults.Length == 0 ? [] : rewrite.DefaultNamesByKind[(int)kind], rewrite.DefaultAliasesByKind[(int)kind], defaults);
            body = buffer.AsSpan(0, length).ToArray();
            return null;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>
    /// The Responses API's <c>instructions</c> value (a JSON string) for a bundle with a system prompt: the rendered prompt,
    /// then a blank line and the client's own <c>instructions</c> when it sent a string (the same order as chat, where the
    /// bundle's system message comes first and the client's follow).
    /// </summary>
    private static (byte[]? Value, ApplyError? Error) Instructions(byte[] raw, in RequestFields fields, ServingBundle bundle, IReadOnlyDictionary<string, JsonNode?> variables, CancellationToken cancellationToken)
    {
        if (fields.Instructions is not (JsonTokenType.None or JsonTokenType.Null or JsonTokenType.String))
        {
            return (null, new ApplyError(400, "invalid_request_error", "invalid_instructions", "'instructions' must be a string"));
        }

        var (text, renderError) = bundle.Rewrite.RenderSystemTextCached(bundle, variables, cancellationToken);
        if (text is null)
        {
            return (null, renderError);
        }

        if (fields.Instructions == JsonTokenType.String)
        {
            var reader = new Utf8JsonReader(raw.AsSpan(fields.InstructionsValue));
            reader.Read();
            if (reader.GetString() is { Length: > 0 } client)
            {
                text = text + "\n\n" + client;
            }
        }

        return (JsonSerializer.SerializeToUtf8Bytes(text), null);
    }

    private static int Write(ReadOnlySpan<byte> raw, Span<byte> output, BundleRewrite rewrite, ReadOnlySpan<byte> system, ReadOnlySpan<byte> instructions, byte[][] defaultNames, byte[]?[] defaultAliases, byte[][] defaults)
    {
        // The scanner has validated the body, so the reader only walks it here.
        var reader = new Utf8JsonReader(raw);
        reader.Read();
        var at = 0;
        output[at++] = (byte)'{';
        var first = true;
        var present = 0UL;
        var instructionsWritten = instructions.IsEmpty;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var nameStart = (int)reader.TokenStartIndex;
            var nameEnd = nameStart + reader.ValueSpan.Length + 2;
            var isModel = reader.ValueTextEquals("model"u8);
            var isMessages = !isModel && reader.ValueTextEquals("messages"u8);
            var isOptions = !isModel && !isMessages && reader.ValueTextEquals("switchback"u8);
            var isInstructions = !instructions.IsEmpty && !isModel && !isMessages && !isOptions && reader.ValueTextEquals("instructions"u8);
            for (var i = 0; i < defaultNames.Length && i < 64; i++)
            {
                if (reader.ValueTextEquals(defaultNames[i]) || (defaultAliases[i] is { } alias && reader.ValueTextEquals(alias)))
                {
                    present |= 1UL << i;
                }
            }

            reader.Read();
            var valueStart = (int)reader.TokenStartIndex;
            reader.Skip();
            var value = raw[valueStart..(int)reader.BytesConsumed];
            if (isOptions)
            {
                continue;
            }

            if (!first)
            {
                output[at++] = (byte)',';
            }

            first = false;
            at += Copy(raw[nameStart..nameEnd], output[at..]);
            output[at++] = (byte)':';
            if (isModel && rewrite.ModelJson is { } model)
            {
                at += Copy(model, output[at..]);
            }
            else if (isInstructions)
            {
                at += Copy(instructions, output[at..]);
                instructionsWritten = true;
            }
            else if (isMessages && !system.IsEmpty)
            {
                output[at++] = (byte)'[';
                at += Copy(system, output[at..]);
                var inner = value[1..^1];
                if (!inner.Trim(" \t\r\n"u8).IsEmpty)
                {
                    output[at++] = (byte)',';
                    at += Copy(inner, output[at..]);
                }

                output[at++] = (byte)']';
            }
            else
            {
                at += Copy(value, output[at..]);
            }
        }

        if (!instructionsWritten)
        {
            if (!first)
            {
                output[at++] = (byte)',';
            }

            first = false;
            at += Copy("\"instructions\":"u8, output[at..]);
            at += Copy(instructions, output[at..]);
        }

        for (var i = 0; i < defaults.Length; i++)
        {
            if ((present & (1UL << i)) == 0)
            {
                if (!first)
                {
                    output[at++] = (byte)',';
                }

                first = false;
                at += Copy(defaults[i], output[at..]);
            }
        }

        output[at++] = (byte)'}';
        return at;
    }

    private static int Copy(ReadOnlySpan<byte> from, Span<byte> to)
    {
        from.CopyTo(to);
        return from.Length;
    }
}
