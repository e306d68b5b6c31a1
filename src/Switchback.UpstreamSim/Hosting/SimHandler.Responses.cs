using System.Buffers;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Switchback.UpstreamSim.Protocol;

namespace Switchback.UpstreamSim.Hosting;

/// <summary>POST /v1/responses (the Responses API), plain and streamed, with the same faults as chat.</summary>
internal sealed partial class SimHandler
{
    private async Task<SimOutcome> ResponsesAsync(HttpContext context, JsonElement root)
    {
        if (!ResponsesRequest.TryParse(root, settings.Seed, out var request, out var error))
        {
            await OpenAiError.BadRequestAsync(context, error, error.StartsWith("'input", StringComparison.Ordinal) ? "invalid_input" : "invalid_request");
            return SimOutcome.BadRequest;
        }

        if (request.PreviousResponseId is { } previous && _responses.Get(previous) is null)
        {
            await OpenAiError.WriteAsync(context, StatusCodes.Status404NotFound, $"Previous response with id '{previous}' not found.",
                "invalid_request_error", "previous_response_not_found", "previous_response_id");
            return SimOutcome.NotFound;
        }

        var (sequence, plan, proceed) = await BeginAsync(context, request.Common, request.Common.Model, textAnswer: request.ForcedTool is null, request.JsonMode);
        var model = request.Common.Model ?? settings.ModelName;
        if (!proceed)
        {
            return plan.Outcome;
        }

        string output;
        var cut = false;
        if (request.ForcedTool is not null)
        {
            output = AnswerBuilder.ToolArguments(request.LastUserMessage);
        }
        else
        {
            var full = AnswerBuilder.Build("Answer to", request.LastUserMessage, request.ContentHash, plan, request.Format);
            output = request.Common.MaxTokens is { } max ? Text.TakeWords(full, max, out cut) : full;
        }

        var headers = context.Request.Headers;
        var response = new SimResponse(sequence, Created(), model, request, output, cut,
            headers["x-switchback-retrieval"].ToString() is { Length: > 0 } r ? r : null,
            headers["x-switchback-tokenizer"].ToString() is { Length: > 0 } t ? t : null, _instance);
        var final = response.ToJson();
        if (request.Store)
        {
            _responses.Put(response.Id, response);
        }

        if (request.Common.Stream)
        {
            await StreamResponseAsync(context, response, final);
            return plan.Outcome;
        }

        context.Response.ContentType = "application/json";
        await context.Response.Body.WriteAsync(final, context.RequestAborted);
        return plan.Outcome;
    }

    /// <summary>
    /// The typed events OpenAI streams for one response: created, in_progress, the item and its part added, one delta per
    /// word (text or function-call arguments), the done events, then <c>response.completed</c> (or <c>response.incomplete</c>)
    /// with the final object. Every event is <c>event: TYPE</c> + <c>data: {"type", "sequence_number", …}</c>; no <c>[DONE]</c>.
    /// </summary>
    /// <param name="context">The request.</param>
    /// <param name="response">The response whose events are written.</param>
    /// <param name="final">Its final JSON.</param>
    /// <param name="replay">
    /// For <c>GET /v1/responses/{id}?stream=true</c>: the stored response's events at once (no inter-token pacing), only
    /// those whose <c>sequence_number</c> is above <paramref name="startingAfter"/>.
    /// </param>
    /// <param name="startingAfter">The last sequence number the client already has; -1 for every event.</param>
    private async Task StreamResponseAsync(HttpContext context, SimResponse response, byte[] final, bool replay = false, long startingAfter = -1)
    {
        var http = context.Response;
        http.ContentType = "text/event-stream";
        http.Headers.CacheControl = "no-cache";
        using var events = new ResponseEvents(context, startingAfter);

        await events.WriteAsync("response.created", json => WriteResponseProperty(json, response, null));
        await events.WriteAsync("response.in_progress", json => WriteResponseProperty(json, response, null));
        await events.WriteAsync("response.output_item.added", json =>
        {
            json.WriteNumber("output_index", 0);
            json.WritePropertyName("item");
            response.WriteItem(json, done: false);
        });

        var call = response.IsFunctionCall;
        if (!call)
        {
            await events.WriteAsync("response.content_part.added", json =>
            {
                WritePartAddress(json, response);
                json.WritePropertyName("part");
                SimResponse.WritePart(json, "");
            });
        }

        var text = response.Output;
        var start = 0;
        while (start < text.Length)
        {
            var end = Text.PieceEnd(text, start);
            if (start > 0 && !replay && !await DelayAsync(context, settings.InterTokenLatency))
            {
                return;
            }

            var piece = text[start..end];
            await events.WriteAsync(call ? "response.function_call_arguments.delta" : "response.output_text.delta", json =>
            {
                WritePartAddress(json, response);
                json.WriteString("delta", piece);
                if (!call)
                {
                    json.WriteStartArray("logprobs");
                    json.WriteEndArray();
                }
            });
            start = end;
        }

        if (call)
        {
            await events.WriteAsync("response.function_call_arguments.done", json =>
            {
                WritePartAddress(json, response);
                json.WriteString("name", response.Request.ForcedTool);
                json.WriteString("arguments", text);
            });
        }
        else
        {
            await events.WriteAsync("response.output_text.done", json =>
            {
                WritePartAddress(json, response);
                json.WriteString("text", text);
                json.WriteStartArray("logprobs");
                json.WriteEndArray();
            });
            await events.WriteAsync("response.content_part.done", json =>
            {
                WritePartAddress(json, response);
                json.WritePropertyName("part");
                SimResponse.WritePart(json, text);
            });
        }

        await events.WriteAsync("response.output_item.done", json =>
        {
            json.WriteNumber("output_index", 0);
            json.WritePropertyName("item");
            response.WriteItem(json, done: true);
        });
        await events.WriteAsync(response.Truncated ? "response.incomplete" : "response.completed", json => WriteResponseProperty(json, response, final));
    }

    private static void WriteResponseProperty(Utf8JsonWriter json, SimResponse response, byte[]? final)
    {
        json.WritePropertyName("response");
        if (final is null)
        {
            response.Write(json, final: false);
        }
        else
        {
            json.WriteRawValue(final, skipInputValidation: true);
        }
    }

    private static void WritePartAddress(Utf8JsonWriter json, SimResponse response)
    {
        json.WriteString("item_id", response.ItemId);
        json.WriteNumber("output_index", 0);
        if (!response.IsFunctionCall)
        {
            json.WriteNumber("content_index", 0);
        }
    }

    /// <summary>
    /// Writes <c>event:</c>/<c>data:</c> pairs with a running <c>sequence_number</c>, flushing each; an event numbered
    /// <paramref name="startingAfter"/> or lower is counted but not written.
    /// </summary>
    private sealed class ResponseEvents(HttpContext context, long startingAfter) : IDisposable
    {
        private readonly Utf8JsonWriter _json = new(context.Response.BodyWriter);
        private int _sequence;

        public async ValueTask WriteAsync(string type, Action<Utf8JsonWriter> fields)
        {
            if (_sequence <= startingAfter)
            {
                _sequence++;
                return;
            }

            var writer = context.Response.BodyWriter;
            writer.Write(System.Text.Encoding.UTF8.GetBytes("event: " + type + "\ndata: "));
            _json.Reset(writer);
            _json.WriteStartObject();
            _json.WriteString("type", type);
            _json.WriteNumber("sequence_number", _sequence++);
            fields(_json);
            _json.WriteEndObject();
            _json.Flush();
            writer.Write(EventEnd);
            await writer.FlushAsync(context.RequestAborted);
        }

        public void Dispose() => _json.Dispose();
    }
}
