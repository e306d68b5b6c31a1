using System.Diagnostics.CodeAnalysis;
using System.Text.Json;

namespace Switchback.UpstreamSim.Protocol;

/// <summary>The parts of a Responses API request (<c>POST /v1/responses</c>) the simulator uses.</summary>
/// <param name="Common">Model, temperature, <c>max_output_tokens</c> and <c>stream</c>.</param>
/// <param name="Instructions">The <c>instructions</c> string, if any.</param>
/// <param name="LastUserMessage">The text of the last user item (or the whole <c>input</c> string).</param>
/// <param name="InputItems">How many input items arrived (a string input is one).</param>
/// <param name="InputTokens">Whitespace words of the instructions and every input item.</param>
/// <param name="ContentHash">Hash of the instructions, every item with its role, and the previous response id.</param>
/// <param name="Format">The <c>text.format</c> asked for.</param>
/// <param name="PreviousResponseId">The <c>previous_response_id</c>, if any.</param>
/// <param name="ForcedTool">The function the request forces a call of (<c>tool_choice</c> required or named), if any.</param>
/// <param name="TopPText">The <c>top_p</c> number as sent, if any.</param>
/// <param name="Store">Whether the response is kept for <c>GET /v1/responses/{id}</c> (<c>store</c>, default true).</param>
internal sealed record ResponsesRequest(
    CommonFields Common,
    string? Instructions,
    string LastUserMessage,
    int InputItems,
    int InputTokens,
    ulong ContentHash,
    OutputFormat Format,
    string? PreviousResponseId,
    string? ForcedTool,
    string? TopPText,
    bool Store)
{
    private static readonly string[] MaxTokenNames = ["max_output_tokens"];

    /// <summary>Whether <c>text.format</c> asks for JSON.</summary>
    public bool JsonMode => Format.Json;

    /// <summary>Reads and checks the request; on a problem, returns false with a message naming the field.</summary>
    public static bool TryParse(JsonElement root, ulong seed, [NotNullWhen(true)] out ResponsesRequest? request, out string error)
    {
        request = null;
        if (root.ValueKind != JsonValueKind.Object)
        {
            error = "the request body must be a JSON object";
            return false;
        }

        if (!CommonFields.TryRead(root, out var common, out error, MaxTokenNames))
        {
            return false;
        }

        if (!TryOptionalString(root, "instructions", out var instructions, out error)
            || !TryOptionalString(root, "previous_response_id", out var previous, out error))
        {
            return false;
        }

        var hash = seed;
        var tokens = 0;
        if (instructions is not null)
        {
            hash = Text.Hash(instructions, Text.Hash("system", hash));
            tokens += Text.CountWords(instructions);
        }

        if (!TryInput(root, ref hash, ref tokens, out var lastUser, out var items, out error))
        {
            return false;
        }

        if (previous is not null)
        {
            hash = Text.Hash(previous, hash);
        }

        string? topP = null;
        if (root.TryGetProperty("top_p", out var tp) && tp.ValueKind != JsonValueKind.Null)
        {
            if (tp.ValueKind != JsonValueKind.Number || tp.GetDouble() is < 0 or > 1)
            {
                error = "'top_p' must be a number between 0 and 1";
                return false;
            }

            topP = tp.GetRawText();
        }

        var store = true;
        if (root.TryGetProperty("store", out var s) && s.ValueKind != JsonValueKind.Null)
        {
            if (s.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
            {
                error = "'store' must be true or false";
                return false;
            }

            store = s.GetBoolean();
        }

        if (!ToolChoice.TryRead(root, nested: false, out var forced, out error))
        {
            return false;
        }

        request = new ResponsesRequest(common, instructions, lastUser, items, tokens, hash, OutputFormat.FromResponses(root), previous, forced, topP, store);
        return true;
    }

    private static bool TryOptionalString(JsonElement root, string name, out string? value, out string error)
    {
        value = null;
        error = "";
        if (!root.TryGetProperty(name, out var e) || e.ValueKind == JsonValueKind.Null)
        {
            return true;
        }

        if (e.ValueKind != JsonValueKind.String)
        {
            error = $"'{name}' must be a string";
            return false;
        }

        value = e.GetString();
        return true;
    }

    private static bool TryInput(JsonElement root, ref ulong hash, ref int tokens, out string lastUser, out int items, out string error)
    {
        lastUser = "";
        items = 0;
        error = "'input' is required and must be a string or a non-empty array of input items";
        if (!root.TryGetProperty("input", out var input))
        {
            return false;
        }

        if (input.ValueKind == JsonValueKind.String)
        {
            lastUser = input.GetString()!;
            hash = Text.Hash(lastUser, Text.Hash("user", hash));
            tokens += Text.CountWords(lastUser);
            items = 1;
            error = "";
            return true;
        }

        if (input.ValueKind != JsonValueKind.Array || input.GetArrayLength() == 0)
        {
            return false;
        }

        foreach (var item in input.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.Object)
            {
                error = $"'input[{items}]' must be an object";
                return false;
            }

            string role;
            string content;
            if (item.TryGetProperty("role", out var r))
            {
                if (r.ValueKind != JsonValueKind.String || !TryContent(item, out content))
                {
                    error = $"'input[{items}]' must have a string 'role' and a string or content-part array 'content'";
                    return false;
                }

                role = r.GetString()!;
            }
            else
            {
                // Function call outputs, reasoning and other typed items: their raw JSON is what the model sees.
                role = item.TryGetProperty("type", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString()! : "item";
                content = item.TryGetProperty("output", out var o) && o.ValueKind == JsonValueKind.String ? o.GetString()! : item.GetRawText();
            }

            tokens += Text.CountWords(content);
            hash = Text.Hash(content, Text.Hash(role, hash));
            if (role == "user")
            {
                lastUser = content;
            }

            items++;
        }

        error = "";
        return true;
    }

    private static bool TryContent(JsonElement item, out string content)
    {
        content = "";
        return item.TryGetProperty("content", out var c) && MessageContent.TryRead(c, out content);
    }
}
