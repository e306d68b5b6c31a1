using System.Buffers;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Switchback.UpstreamSim.Protocol;

namespace Switchback.UpstreamSim.Hosting;

/// <summary>Server-sent events the way OpenAI sends them: one <c>data:</c> chunk per word, then <c>data: [DONE]</c>.</summary>
internal sealed partial class SimHandler
{
    private static readonly byte[] DataPrefix = "data: "u8.ToArray();
    private static readonly byte[] EventEnd = "\n\n"u8.ToArray();
    private static readonly byte[] Done = "data: [DONE]\n\n"u8.ToArray();

    /// <param name="context">The request being answered.</param>
    /// <param name="shape">Chat or text-completion chunk layout.</param>
    /// <param name="choices">The full text of each choice; streamed one after the other, word by word.</param>
    /// <param name="finish">The <c>finish_reason</c> of every choice.</param>
    /// <param name="usage">When set, a last chunk with empty <c>choices</c> carries it (<c>stream_options.include_usage</c>).</param>
    /// <param name="toolCall">When set (chat only), the text is that call's arguments, streamed as <c>delta.tool_calls</c>.</param>
    private async Task StreamAsync(HttpContext context, StreamShape shape, string[] choices, string finish, Usage? usage, ToolCall? toolCall = null)
    {
        var response = context.Response;
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache";
        var created = Created();
        using var json = new Utf8JsonWriter(response.BodyWriter);

        for (var index = 0; index < choices.Length; index++)
        {
            if (shape.Chat)
            {
                await WriteChunkAsync(context, json, shape, created, index, toolCall is null ? "" : null, role: true, finish: null, toolCall);
            }

            var text = choices[index];
            var start = 0;
            var first = true;
            while (start < text.Length)
            {
                var end = Text.PieceEnd(text, start);
                if (!first && !await DelayAsync(context, settings.InterTokenLatency))
                {
                    return;
                }

                await WriteChunkAsync(context, json, shape, created, index, text[start..end], role: false, finish: null, toolCall);
                first = false;
                start = end;
            }

            await WriteChunkAsync(context, json, shape, created, index, null, role: false, finish);
        }

        if (usage is not null)
        {
            WriteEventStart(response);
            json.Reset(response.BodyWriter);
            json.WriteStartObject();
            WriteChunkHeader(json, shape, created);
            json.WriteStartArray("choices");
            json.WriteEndArray();
            usage.Write(json);
            json.WriteEndObject();
            json.Flush();
            response.BodyWriter.Write(EventEnd);
        }

        response.BodyWriter.Write(Done);
        await response.BodyWriter.FlushAsync(context.RequestAborted);
    }

    // With a tool call, the role chunk also starts the call and each text is a piece of its arguments.
    private static async ValueTask WriteChunkAsync(
        HttpContext context, Utf8JsonWriter json, StreamShape shape, long created, int index, string? text, bool role, string? finish,
        ToolCall? toolCall = null)
    {
        var writer = context.Response.BodyWriter;
        WriteEventStart(context.Response);
        json.Reset(writer);
        json.WriteStartObject();
        WriteChunkHeader(json, shape, created);
        json.WriteStartArray("choices");
        json.WriteStartObject();
        json.WriteNumber("index", index);
        if (shape.Chat)
        {
            json.WriteStartObject("delta");
            if (role)
            {
                json.WriteString("role", "assistant");
            }

            if (toolCall is null)
            {
                if (text is not null)
                {
                    json.WriteString("content", text);
                }
            }
            else if (role)
            {
                json.WriteNull("content");
                json.WriteStartArray("tool_calls");
                toolCall.WriteStreamStart(json);
                json.WriteEndArray();
            }
            else if (text is not null)
            {
                json.WriteStartArray("tool_calls");
                ToolCall.WriteStreamPiece(json, text);
                json.WriteEndArray();
            }

            json.WriteEndObject();
        }
        else
        {
            json.WriteString("text", text ?? "");
        }

        json.WriteNull("logprobs");
        if (finish is null)
        {
            json.WriteNull("finish_reason");
        }
        else
        {
            json.WriteString("finish_reason", finish);
        }

        json.WriteEndObject();
        json.WriteEndArray();
        json.WriteEndObject();
        json.Flush();
        writer.Write(EventEnd);
        await writer.FlushAsync(context.RequestAborted);
    }

    private static void WriteEventStart(HttpResponse response) => response.BodyWriter.Write(DataPrefix);

    private static void WriteChunkHeader(Utf8JsonWriter json, StreamShape shape, long created)
    {
        json.WriteString("id", shape.Id);
        json.WriteString("object", shape.ObjectName);
        json.WriteNumber("created", created);
        json.WriteString("model", shape.Model);
    }
}
