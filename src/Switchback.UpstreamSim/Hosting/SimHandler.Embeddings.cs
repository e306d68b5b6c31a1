using System.Buffers;
using System.Buffers.Binary;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Switchback.UpstreamSim.Faults;
using Switchback.UpstreamSim.Protocol;

namespace Switchback.UpstreamSim.Hosting;

/// <summary>POST /v1/embeddings: unit vectors that are a pure function of (seed, input text, dimensions).</summary>
internal sealed partial class SimHandler
{
    private async Task<SimOutcome> EmbeddingsAsync(HttpContext context, JsonElement root)
    {
        if (!EmbeddingRequest.TryParse(root, out var request, out var error))
        {
            await OpenAiError.BadRequestAsync(context, error);
            return SimOutcome.BadRequest;
        }

        var (_, plan, proceed) = await BeginAsync(context, null, request.Model, textAnswer: false, wantsJson: false);
        if (!proceed)
        {
            return plan.Outcome;
        }

        var vector = ArrayPool<float>.Shared.Rent(request.Dimensions);
        try
        {
            context.Response.ContentType = "application/json";
            using (var json = new Utf8JsonWriter(context.Response.BodyWriter))
            {
                json.WriteStartObject();
                json.WriteString("object", "list");
                json.WriteStartArray("data");
                for (var i = 0; i < request.Inputs.Length; i++)
                {
                    var values = vector.AsSpan(0, request.Dimensions);
                    Embed(request.Inputs[i], settings.Seed, values);
                    json.WriteStartObject();
                    json.WriteString("object", "embedding");
                    json.WriteNumber("index", i);
                    WriteVector(json, values, request.Base64);
                    json.WriteEndObject();
                }

                json.WriteEndArray();
                json.WriteString("model", request.Model ?? settings.ModelName);
                new Usage(request.PromptTokens, 0).Write(json, embeddings: true);
                json.WriteEndObject();
            }
        }
        finally
        {
            ArrayPool<float>.Shared.Return(vector);
        }

        await context.Response.BodyWriter.FlushAsync(context.RequestAborted);
        return SimOutcome.Ok;
    }

    /// <summary>Fills <paramref name="values"/> with a unit-length vector derived from a hash of the input.</summary>
    internal static void Embed(string input, ulong seed, Span<float> values)
    {
        var rng = new SimRandom(Text.Hash(input, seed));
        double norm = 0;
        for (var i = 0; i < values.Length; i++)
        {
            var v = (rng.NextDouble() * 2) - 1;
            values[i] = (float)v;
            norm += v * v;
        }

        var scale = norm > 0 ? 1 / Math.Sqrt(norm) : 1;
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = (float)(values[i] * scale);
        }
    }

    private static void WriteVector(Utf8JsonWriter json, ReadOnlySpan<float> values, bool base64)
    {
        if (base64)
        {
            // OpenAI's base64 format: little-endian float32s.
            var bytes = ArrayPool<byte>.Shared.Rent(values.Length * 4);
            try
            {
                for (var i = 0; i < values.Length; i++)
                {
                    BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(i * 4), values[i]);
                }

                json.WriteBase64String("embedding", bytes.AsSpan(0, values.Length * 4));
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(bytes);
            }

            return;
        }

        json.WriteStartArray("embedding");
        foreach (var v in values)
        {
            json.WriteNumberValue(v);
        }

        json.WriteEndArray();
    }
}
