using System.Text.Json;
using Switchback.UpstreamSim.Protocol;

namespace Switchback.UpstreamSim.Hosting;

/// <summary>
/// One Responses API answer and how it is written: the response object of OpenAI's <c>/v1/responses</c>, with either
/// one assistant <c>message</c> item holding one <c>output_text</c> part, or one <c>function_call</c> item. Immutable.
/// </summary>
/// <param name="Sequence">The request's sequence number; the ids are derived from it.</param>
/// <param name="CreatedAt">Unix seconds.</param>
/// <param name="Model">The model answering.</param>
/// <param name="Request">What the client sent.</param>
/// <param name="Output">The answer text, or the function call's JSON arguments.</param>
/// <param name="Truncated">Whether <c>max_output_tokens</c> cut the answer (status <c>incomplete</c>).</param>
/// <param name="Retrieval">The received <c>x-switchback-retrieval</c> header, echoed.</param>
/// <param name="Tokenizer">The received <c>x-switchback-tokenizer</c> header, echoed.</param>
/// <param name="Instance">This simulator's random token: ids are unique across simulators, as a real server's are.</param>
internal sealed record SimResponse(
    long Sequence, long CreatedAt, string Model, ResponsesRequest Request, string Output, bool Truncated, string? Retrieval, string? Tokenizer, string Instance)
{
    private string Suffix => Instance + "-" + Sequence.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary><c>resp_sim&lt;instance&gt;-&lt;sequence&gt;</c>.</summary>
    public string Id => "resp_sim" + Suffix;

    /// <summary>The output item's id: <c>msg_…</c> for a message, <c>fc_…</c> for a function call.</summary>
    public string ItemId => (IsFunctionCall ? "fc_sim" : "msg_sim") + Suffix;

    public string CallId => "call_sim" + Suffix;

    public bool IsFunctionCall => Request.ForcedTool is not null;

    public int OutputTokens => Text.CountWords(Output);

    /// <summary>The final response object, as stored and as answered.</summary>
    public byte[] ToJson()
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(1024);
        using (var json = new Utf8JsonWriter(buffer))
        {
            Write(json, final: true);
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>The response object; not <paramref name="final"/>: <c>in_progress</c> with no output and no usage yet.</summary>
    public void Write(Utf8JsonWriter json, bool final)
    {
        json.WriteStartObject();
        json.WriteString("id", Id);
        json.WriteString("object", "response");
        json.WriteNumber("created_at", CreatedAt);
        json.WriteString("status", !final ? "in_progress" : Truncated ? "incomplete" : "completed");
        json.WriteNull("error");
        if (final && Truncated)
        {
            json.WriteStartObject("incomplete_details");
            json.WriteString("reason", "max_output_tokens");
            json.WriteEndObject();
        }
        else
        {
            json.WriteNull("incomplete_details");
        }

        json.WriteStringOrNull("instructions", Request.Instructions);
        json.WriteNumberOrNull("max_output_tokens", Request.Common.MaxTokens);
        json.WriteString("model", Model);
        json.WriteStartArray("output");
        if (final)
        {
            WriteItem(json, done: true);
        }

        json.WriteEndArray();
        json.WriteBoolean("parallel_tool_calls", true);
        json.WriteStringOrNull("previous_response_id", Request.PreviousResponseId);
        json.WriteBoolean("store", Request.Store);
        json.WriteRawOrNull("temperature", Request.Common.TemperatureText);
        json.WriteRawOrNull("top_p", Request.TopPText);
        if (final)
        {
            json.WriteStartObject("usage");
            json.WriteNumber("input_tokens", Request.InputTokens);
            json.WriteStartObject("input_tokens_details");
            json.WriteNumber("cached_tokens", 0);
            json.WriteEndObject();
            json.WriteNumber("output_tokens", OutputTokens);
            json.WriteStartObject("output_tokens_details");
            json.WriteNumber("reasoning_tokens", 0);
            json.WriteEndObject();
            json.WriteNumber("total_tokens", Request.InputTokens + OutputTokens);
            json.WriteEndObject();
        }
        else
        {
            json.WriteNull("usage");
        }

        WriteEcho(json);
        json.WriteEndObject();
    }

    /// <summary>The output item; not <paramref name="done"/>: <c>in_progress</c> with empty content or arguments.</summary>
    public void WriteItem(Utf8JsonWriter json, bool done)
    {
        json.WriteStartObject();
        json.WriteString("id", ItemId);
        if (IsFunctionCall)
        {
            json.WriteString("type", "function_call");
            json.WriteString("status", done ? "completed" : "in_progress");
            json.WriteString("name", Request.ForcedTool);
            json.WriteString("call_id", CallId);
            json.WriteString("arguments", done ? Output : "");
        }
        else
        {
            json.WriteString("type", "message");
            json.WriteString("status", done ? "completed" : "in_progress");
            json.WriteString("role", "assistant");
            json.WriteStartArray("content");
            if (done)
            {
                WritePart(json, Output);
            }

            json.WriteEndArray();
        }

        json.WriteEndObject();
    }

    /// <summary>An <c>output_text</c> content part.</summary>
    public static void WritePart(Utf8JsonWriter json, string text)
    {
        json.WriteStartObject();
        json.WriteString("type", "output_text");
        json.WriteString("text", text);
        json.WriteStartArray("annotations");
        json.WriteEndArray();
        json.WriteEndObject();
    }

    /// <summary>The non-standard <c>sim</c> object: what arrived, so tests can check the gateway's bundle application.</summary>
    private void WriteEcho(Utf8JsonWriter json)
    {
        json.WriteStartObject("sim");
        json.WriteNumber("seq", Sequence);
        json.WriteStringOrNull("model", Request.Common.Model);
        json.WriteStringOrNull("instructions", Request.Instructions);
        json.WriteString("last_user", Request.LastUserMessage);
        json.WriteNumber("input_items", Request.InputItems);
        json.WriteRawOrNull("temperature", Request.Common.TemperatureText);
        json.WriteRawOrNull("top_p", Request.TopPText);
        json.WriteNumberOrNull("max_output_tokens", Request.Common.MaxTokens);
        json.WriteStringOrNull("retrieval", Retrieval);
        json.WriteStringOrNull("tokenizer", Tokenizer);
        json.WriteEndObject();
    }
}
