using System.Buffers;
using System.Text.Json;
using System.Text.Json.Nodes;
using Switchback.Gateway.Bundles;

namespace Switchback.Gateway.Application;

/// <summary>
/// Applies a bundle to a request body as one streaming copy, with the same result as <see cref="BundleApplier"/> on a
/// DOM: the client's bytes are copied as they are, except that <c>model</c> is replaced, the <c>switchback</c> options are
/// left out, the rendered system message goes first in <c>messages</c> and missing serving defaults are added at the end.
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
        if (kind == EndpointKind.Chat && (bundle.SystemTemplate is not null || bundle.TemplateError is not null))
        {
            if (bundle.TemplateError is { } parseError)
            {
                return new ApplyError(500, "server_error", "bundle_template_invalid", $"the prompt.system template of {bundle.Deployment}@{bundle.Version} does not parse: {parseError}");
            }

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

        var defaults = kind == EndpointKind.Embeddings ? [] : rewrite.DefaultProperties;
        if (system.IsEmpty && defaults.Length == 0 && rewrite.ModelJson is null && !fields.HasOptions)
        {
            return null;
        }

        var bound = raw.Length + system.Length + 1 + (rewrite.ModelJson?.Length ?? 0);
        foreach (var d in defaults)
        {
            bound += d.Length + 1;
        }

        var buffer = ArrayPool<byte>.Shared.Rent(bound);
        try
        {
            var length = Write(raw, buffer, rewrite, system, defaults.Length == 0 ? [] : rewrite.DefaultNames, defaults);
            body = buffer.AsSpan(0, length).ToArray();
            return null;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static int Write(ReadOnlySpan<byte> raw, Span<byte> output, BundleRewrite rewrite, ReadOnlySpan<byte> system, byte[][] defaultNames, byte[][] defaults)
    {
        // The scanner has validated the body, so the reader only walks it here.
        var reader = new Utf8JsonReader(raw);
        reader.Read();
        var at = 0;
        output[at++] = (byte)'{';
        var first = true;
        var present = 0UL;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var nameStart = (int)reader.TokenStartIndex;
            var nameEnd = nameStart + reader.ValueSpan.Length + 2;
            var isModel = reader.ValueTextEquals("model"u8);
            var isMessages = !isModel && reader.ValueTextEquals("messages"u8);
            var isOptions = !isModel && !isMessages && reader.ValueTextEquals("switchback"u8);
            for (var i = 0; i < defaultNames.Length && i < 64; i++)
            {
                if (reader.ValueTextEquals(defaultNames[i]))
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
