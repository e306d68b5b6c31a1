using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Switchback.UpstreamSim.Protocol;

namespace Switchback.UpstreamSim.Hosting;

/// <summary>POST /v1/completions (legacy text completions), one choice per prompt, plain and streamed.</summary>
internal sealed partial class SimHandler
{
    private async Task<SimOutcome> CompletionsAsync(HttpContext context, JsonElement root)
    {
        if (!CompletionRequest.TryParse(root, settings.Seed, out var request, out var error))
        {
            await OpenAiError.BadRequestAsync(context, error, error.Contains("'prompt", StringComparison.Ordinal) ? "invalid_prompt" : "invalid_request");
            return SimOutcome.BadRequest;
        }

        var (sequence, plan, proceed) = await BeginAsync(context, request.Common, request.Common.Model, textAnswer: true, wantsJson: false);
        var model = request.Common.Model ?? settings.ModelName;
        if (!proceed)
        {
            return plan.Outcome;
        }

        var texts = new string[request.Prompts.Length];
        var completionTokens = 0;
        var truncated = false;
        for (var i = 0; i < texts.Length; i++)
        {
            var full = AnswerBuilder.Build("Completion of", request.Prompts[i], request.PromptHashes[i], plan, OutputFormat.Text);
            var cut = false;
            texts[i] = request.Common.MaxTokens is { } max ? Text.TakeWords(full, max, out cut) : full;
            truncated |= cut;
            completionTokens += Text.CountWords(texts[i]);
        }

        var finish = truncated ? "length" : "stop";
        var usage = new Usage(request.PromptTokens, completionTokens);
        var id = "cmpl-sim-" + sequence.ToString(CultureInfo.InvariantCulture);
        if (request.Common.Stream)
        {
            await StreamAsync(context, new StreamShape(id, "text_completion", model, Chat: false),
                texts, finish, request.Common.IncludeUsage ? usage : null);
            return plan.Outcome;
        }

        context.Response.ContentType = "application/json";
        using (var json = new Utf8JsonWriter(context.Response.BodyWriter))
        {
            json.WriteStartObject();
            json.WriteString("id", id);
            json.WriteString("object", "text_completion");
            json.WriteNumber("created", Created());
            json.WriteString("model", model);
            json.WriteStartArray("choices");
            for (var i = 0; i < texts.Length; i++)
            {
                json.WriteStartObject();
                json.WriteString("text", texts[i]);
                json.WriteNumber("index", i);
                json.WriteNull("logprobs");
                json.WriteString("finish_reason", finish);
                json.WriteEndObject();
            }

            json.WriteEndArray();
            usage.Write(json);
            json.WriteEndObject();
        }

        await context.Response.BodyWriter.FlushAsync(context.RequestAborted);
        return plan.Outcome;
    }
}
