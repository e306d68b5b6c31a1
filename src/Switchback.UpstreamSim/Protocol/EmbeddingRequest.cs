using System.Diagnostics.CodeAnalysis;
using System.Text.Json;

namespace Switchback.UpstreamSim.Protocol;

/// <summary>The parts of an embeddings request the simulator uses; token-array inputs are hashed by their JSON text.</summary>
internal sealed record EmbeddingRequest(string? Model, string[] Inputs, int Dimensions, bool Base64, int PromptTokens)
{
    public const int DefaultDimensions = 16;
    public const int MaxDimensions = 8192;

    public static bool TryParse(JsonElement root, [NotNullWhen(true)] out EmbeddingRequest? request, out string error)
    {
        request = null;
        error = "";
        if (root.ValueKind != JsonValueKind.Object)
        {
            error = "the request body must be a JSON object";
            return false;
        }

        string? model = null;
        if (root.TryGetProperty("model", out var m))
        {
            if (m.ValueKind != JsonValueKind.String)
            {
                error = "'model' must be a string";
                return false;
            }

            model = m.GetString();
        }

        if (!TryInputs(root, out var inputs, out var tokens))
        {
            error = "'input' is required and must be a string, an array of strings or an array of token arrays";
            return false;
        }

        var dimensions = DefaultDimensions;
        if (root.TryGetProperty("dimensions", out var d) && d.ValueKind != JsonValueKind.Null
            && (d.ValueKind != JsonValueKind.Number || !d.TryGetInt32(out dimensions) || dimensions is < 1 or > MaxDimensions))
        {
            error = $"'dimensions' must be an integer from 1 to {MaxDimensions}";
            return false;
        }

        var base64 = false;
        if (root.TryGetProperty("encoding_format", out var f) && f.ValueKind != JsonValueKind.Null)
        {
            if (f.ValueKind != JsonValueKind.String || !(f.ValueEquals("float") || f.ValueEquals("base64")))
            {
                error = "'encoding_format' must be \"float\" or \"base64\"";
                return false;
            }

            base64 = f.ValueEquals("base64");
        }

        request = new EmbeddingRequest(model, inputs, dimensions, base64, tokens);
        return true;
    }

    private static bool TryInputs(JsonElement root, out string[] inputs, out int tokens)
    {
        inputs = [];
        tokens = 0;
        if (!root.TryGetProperty("input", out var input))
        {
            return false;
        }

        if (input.ValueKind == JsonValueKind.String)
        {
            inputs = [input.GetString()!];
            tokens = Text.CountWords(inputs[0]);
            return true;
        }

        if (input.ValueKind != JsonValueKind.Array || input.GetArrayLength() == 0)
        {
            return false;
        }

        var first = input[0].ValueKind;
        if (first == JsonValueKind.Number)
        {
            // One token array is one input.
            inputs = [input.GetRawText()];
            tokens = input.GetArrayLength();
            return AllOfKind(input, JsonValueKind.Number);
        }

        inputs = new string[input.GetArrayLength()];
        var i = 0;
        foreach (var item in input.EnumerateArray())
        {
            if (item.ValueKind == JsonValueKind.String)
            {
                inputs[i] = item.GetString()!;
                tokens += Text.CountWords(inputs[i]);
            }
            else if (item.ValueKind == JsonValueKind.Array && AllOfKind(item, JsonValueKind.Number))
            {
                inputs[i] = item.GetRawText();
                tokens += item.GetArrayLength();
            }
            else
            {
                return false;
            }

            i++;
        }

        return true;
    }

    private static bool AllOfKind(JsonElement array, JsonValueKind kind)
    {
        foreach (var item in array.EnumerateArray())
        {
            if (item.ValueKind != kind)
            {
                return false;
            }
        }

        return true;
    }
}
