using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Switchback.UpstreamSim.Protocol;

namespace Switchback.UpstreamSim.Hosting;

/// <summary>POST /v1/chat/completions, plain and streamed.</summary>
internal sealed partial class SimHandler
{
    private async Task<SimOutcome> ChatAsync(HttpContext context, JsonElement root)
    {
        if (!ChatRequest.TryParse(root, settings.Seed, out var request, out var error))
        {
            await OpenAiError.BadRequestAsync(context, error, error.Contains("'messages'", StringComparison.Ordinal) ? "invalid_messages" : "invalid_request");
            return SimOutcome.BadRequest;
        }

        var (sequence, plan, proceed) = await BeginAsync(context, request.Common, request.Common.Model, textAnswer: request.ForcedTool is null, request.JsonMode);
        var model = request.Common.Model ?? settings.ModelName;
        if (!proceed)
        {
            return plan.Outcome;
        }

        var id = "chatcmpl-sim-" + sequence.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var call = request.ForcedTool is { } tool ? new ToolCall("call_sim" + _instance + "-" + sequence.ToString(System.Globalization.CultureInfo.InvariantCulture), tool) : null;
        var contents = new string[request.Choices];
        var cut = false;
        var completionTokens = 0;
        for (var i = 0; i < contents.Length; i++)
        {
            // Choice 0 is the answer a single-choice request gets; the others vary with their index.
            var hash = i == 0 ? request.ContentHash : Text.Hash(i.ToString(System.Globalization.CultureInfo.InvariantCulture), request.ContentHash);
            if (call is not null)
            {
                contents[i] = AnswerBuilder.ToolArguments(request.LastUserMessage);
            }
            else
            {
                var full = AnswerBuilder.Build("Answer to", request.LastUserMessage, hash, plan, request.Format);
                var choiceCut = false;
                contents[i] = request.Common.MaxTokens is { } max ? Text.TakeWords(full, max, out choiceCut) : full;
                cut |= choiceCut;
            }

            completionTokens += Text.CountWords(contents[i]);
        }

        var finish = call is not null ? "tool_calls" : cut ? "length" : "stop";
        var usage = new Usage(request.PromptTokens, completionTokens);

        if (request.Common.Stream)
        {
            await StreamAsync(context, new StreamShape(id, "chat.completion.chunk", model, Chat: true, call),
                contents, finish, request.Common.IncludeUsage ? usage : null);
            return plan.Outcome;
        }

        context.Response.ContentType = "application/json";
        using (var json = new Utf8JsonWriter(context.Response.BodyWriter))
        {
            json.WriteStartObject();
            json.WriteString("id", id);
            json.WriteString("object", "chat.completion");
            json.WriteNumber("created", Created());
            json.WriteString("model", model);
            json.WriteStartArray("choices");
            for (var i = 0; i < contents.Length; i++)
            {
                json.WriteStartObject();
                json.WriteNumber("index", i);
                json.WriteStartObject("message");
                json.WriteString("role", "assistant");
                if (call is null)
                {
                    json.WriteString("content", contents[i]);
                }
                else
                {
                    json.WriteNull("content");
                    json.WriteStartArray("tool_calls");
                    call.Write(json, index: null, contents[i], header: true);
                    json.WriteEndArray();
                }

                json.WriteEndObject();
                json.WriteNull("logprobs");
                json.WriteString("finish_reason", finish);
                json.WriteEndObject();
            }

            json.WriteEndArray();
            usage.Write(json);
            WriteEcho(json, context, request, sequence);
            json.WriteEndObject();
        }

        await context.Response.BodyWriter.FlushAsync(context.RequestAborted);
        return plan.Outcome;
    }

    /// <summary>The non-standard <c>sim</c> object: what arrived, so tests can check the gateway's bundle application.</summary>
    private static void WriteEcho(Utf8JsonWriter json, HttpContext context, ChatRequest request, long sequence)
    {
        json.WriteStartObject("sim");
        json.WriteNumber("seq", sequence);
        json.WriteStringOrNull("model", request.Common.Model);
        json.WriteStringOrNull("system", request.SystemMessage);
        json.WriteString("last_user", request.LastUserMessage);
        json.WriteNumber("messages", request.MessageCount);
        json.WriteRawOrNull("temperature", request.Common.TemperatureText);
        json.WriteNumberOrNull("max_tokens", request.Common.MaxTokens);
        json.WriteStringOrNull("retrieval", context.Request.Headers["x-switchback-retrieval"].ToString() is { Length: > 0 } r ? r : null);
        json.WriteStringOrNull("tokenizer", context.Request.Headers["x-switchback-tokenizer"].ToString() is { Length: > 0 } t ? t : null);
        json.WriteEndObject();
    }
}
