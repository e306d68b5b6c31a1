using System.Diagnostics.CodeAnalysis;
using System.Text.Json;

namespace Switchback.UpstreamSim.Protocol;

/// <summary>The parts of a (legacy) text completion request the simulator uses.</summary>
internal sealed record CompletionRequest(CommonFields Common, string[] Prompts, int PromptTokens, ulong[] PromptHashes)
{
    public static bool TryParse(JsonElement root, ulong seed, [NotNullWhen(true)] out CompletionRequest? request, out string error)
    {
        request = null;
        if (root.ValueKind != JsonValueKind.Object)
        {
            error = "the request body must be a JSON object";
            return false;
        }

        if (!CommonFields.TryRead(root, out var common, out error))
        {
            return false;
        }

        string[] prompts;
        if (root.TryGetProperty("prompt", out var p) && p.ValueKind == JsonValueKind.String)
        {
            prompts = [p.GetString()!];
        }
        else if (p.ValueKind == JsonValueKind.Array && p.GetArrayLength() > 0)
        {
            prompts = new string[p.GetArrayLength()];
            var i = 0;
            foreach (var item in p.EnumerateArray())
            {
                if (item.ValueKind != JsonValueKind.String)
                {
                    error = $"'prompt[{i}]' must be a string";
                    return false;
                }

                prompts[i++] = item.GetString()!;
            }
        }
        else
        {
            error = "'prompt' is required and must be a string or a non-empty array of strings";
            return false;
        }

        var tokens = 0;
        var hashes = new ulong[prompts.Length];
        for (var i = 0; i < prompts.Length; i++)
        {
            tokens += Text.CountWords(prompts[i]);
            hashes[i] = Text.Hash(prompts[i], seed);
        }

        request = new CompletionRequest(common, prompts, tokens, hashes);
        return true;
    }
}
