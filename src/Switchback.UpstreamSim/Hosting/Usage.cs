using System.Text.Json;

namespace Switchback.UpstreamSim.Hosting;

/// <summary>OpenAI <c>usage</c>, counted in whitespace words.</summary>
internal sealed record Usage(int PromptTokens, int CompletionTokens)
{
    public void Write(Utf8JsonWriter json, bool embeddings = false)
    {
        json.WriteStartObject("usage");
        json.WriteNumber("prompt_tokens", PromptTokens);
        if (!embeddings)
        {
            json.WriteNumber("completion_tokens", CompletionTokens);
        }

        json.WriteNumber("total_tokens", PromptTokens + CompletionTokens);
        json.WriteEndObject();
    }
}
