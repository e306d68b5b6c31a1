using System.Diagnostics;
using System.Text.Json;

namespace Switchback.Gateway.Telemetry;

/// <summary>
/// Reads <c>gen_ai.response.model</c> and <c>gen_ai.response.finish_reasons</c> from a complete (non-streamed) OpenAI answer
/// for a recorded span: the top-level <c>model</c> and each <c>choices[].finish_reason</c> (chat and completions). Only
/// called when a span records, so an unrecorded request never parses its answer twice. Stateless.
/// </summary>
internal static class ResponseFacts
{
    /// <summary>Sets the two attributes on <paramref name="span"/> from <paramref name="json"/>; sets nothing from a body that is not JSON.</summary>
    public static void Tag(Activity span, ReadOnlySpan<byte> json)
    {
        string? model = null;
        List<string>? reasons = null;
        try
        {
            var reader = new Utf8JsonReader(json);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var isModel = reader.ValueTextEquals("model"u8);
                var isChoices = !isModel && reader.ValueTextEquals("choices"u8);
                reader.Read();
                if (isModel && reader.TokenType == JsonTokenType.String)
                {
                    model = reader.GetString();
                }
                else if (isChoices && reader.TokenType == JsonTokenType.StartArray)
                {
                    reasons = FinishReasons(ref reader);
                }
                else
                {
                    reader.Skip();
                }
            }
        }
        catch (JsonException)
        {
            // A cut-off or non-JSON body: keep what was read before it.
        }

        if (model is not null)
        {
            span.SetTag("gen_ai.response.model", model);
        }

        if (reasons is { Count: > 0 })
        {
            span.SetTag("gen_ai.response.finish_reasons", reasons.ToArray());
        }
    }

    private static List<string> FinishReasons(ref Utf8JsonReader reader)
    {
        var reasons = new List<string>();
        while (reader.Read() && reader.TokenType == JsonTokenType.StartObject)
        {
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var isReason = reader.ValueTextEquals("finish_reason"u8);
                reader.Read();
                if (isReason && reader.TokenType == JsonTokenType.String)
                {
                    reasons.Add(reader.GetString()!);
                }
                else
                {
                    reader.Skip();
                }
            }
        }

        return reasons;
    }
}
