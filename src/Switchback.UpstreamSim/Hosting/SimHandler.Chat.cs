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

        var sequence = NextSequence();
        var call = request.ForcedTool;
        var plan = _planner.Plan(sequence, textAnswer: call is null, request.JsonMode);
        var model = request.Common.Model ?? settings.ModelName;
        EchoHeaders(context, request.Common, request.Common.Model, sequence);
        if (!await DelayAndFaultAsync(context, plan))
        {
            return plan.Outcome;
        }

        var cut = false;
        var content = call is not null ? ForcedTool.Arguments(request.LastUserMessage)
            : AnswerBuilder.Build("Answer to", request.LastUserMessage, request.ContentHash, plan, request.JsonMode);
        if (call is null && request.Common.MaxTokens is { } max)
        {
            content = Text.TakeWords(content, max, out cut);
        }

        var finish = call is not null ? "tool_calls" : cut ? "length" : "stop";
        var usage = new Usage(request.PromptTokens, Text.CountWords(content));
        var suffix = sequence.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var id = "chatcmpl-sim-" + suffix;
        var toolCall = call is null ? null : new ToolCall("call_sim_" + suffix, call);

        if (request.Common.Stream)
        {
            await StreamAsync(context, new StreamShape(id, "chat.completion.chunk", model, Chat: true),
                [content], finish, request.Common.IncludeUsage ? usage : null, toolCall);
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
            json.WriteStartObject();
            json.WriteNumber("index", 0);
            json.WriteStartObject("message");
            json.WriteString("role", "assistant");
            if (toolCall is null)
            {
                json.WriteString("content", content);
            }
            else
            {
                json.WriteNull("content");
                json.WriteStartArray("tool_calls");
                toolCall.Write(json, content);
                json.WriteEndArray();
            }

            json.WriteEndObject();
            json.WriteNull("logprobs");
            json.WriteString("finish_reason", finish);
            json.WriteEndObject();
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
        WriteStringOrNull(json, "model", request.Common.Model);
        WriteStringOrNull(json, "system", request.SystemMessage);
        json.WriteString("last_user", request.LastUserMessage);
        json.WriteNumber("messages", request.MessageCount);
        if (request.Common.TemperatureText is { } temperature)
        {
            json.WritePropertyName("temperature");
            json.WriteRawValue(temperature, skipInputValidation: true);
        }
        else
        {
            json.WriteNull("temperature");
        }

        if (request.Common.MaxTokens is { } max)
        {
            json.WriteNumber("max_tokens", max);
        }
        else
        {
            json.WriteNull("max_tokens");
        }

        WriteStringOrNull(json, "retrieval", context.Request.Headers["x-switchback-retrieval"].ToString() is { Length: > 0 } r ? r : null);
        WriteStringOrNull(json, "tokenizer", context.Request.Headers["x-switchback-tokenizer"].ToString() is { Length: > 0 } t ? t : null);
        json.WriteEndObject();
    }

    private static void WriteStringOrNull(Utf8JsonWriter json, string name, string? value)
    {
        if (value is null)
        {
            json.WriteNull(name);
        }
        else
        {
            json.WriteString(name, value);
        }
    }
}
