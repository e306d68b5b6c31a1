using System.Diagnostics.CodeAnalysis;
using System.Text.Json;

namespace Switchback.UpstreamSim.Protocol;

/// <summary>The parts of a chat completion request the simulator uses.</summary>
/// <param name="Common">Model, temperature, <c>max_tokens</c>/<c>max_completion_tokens</c>, <c>stream</c> and <c>include_usage</c>.</param>
/// <param name="LastUserMessage">The text of the last user message.</param>
/// <param name="SystemMessage">The first system or developer message, if any.</param>
/// <param name="MessageCount">How many messages arrived.</param>
/// <param name="PromptTokens">Whitespace words of every message.</param>
/// <param name="ContentHash">Hash of every message with its role.</param>
/// <param name="Format">The <c>response_format</c> asked for.</param>
/// <param name="ForcedTool">The function the request forces a call of (<c>tool_choice</c> required or named), if any.</param>
/// <param name="Choices">How many choices to answer (<c>n</c>, default 1).</param>
internal sealed record ChatRequest(
    CommonFields Common,
    string LastUserMessage,
    string? SystemMessage,
    int MessageCount,
    int PromptTokens,
    ulong ContentHash,
    OutputFormat Format,
    string? ForcedTool,
    int Choices)
{
    /// <summary>The most choices one request may ask for (OpenAI's limit).</summary>
    public const int MaxChoices = 128;

    /// <summary>Whether <c>response_format</c> asks for JSON.</summary>
    public bool JsonMode => Format.Json;

    public static bool TryParse(JsonElement root, ulong seed, [NotNullWhen(true)] out ChatRequest? request, out string error)
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

        if (!root.TryGetProperty("messages", out var messages) || messages.ValueKind != JsonValueKind.Array
            || messages.GetArrayLength() == 0)
        {
            error = "'messages' is required and must be a non-empty array";
            return false;
        }

        string lastUser = "";
        string? system = null;
        var tokens = 0;
        var hash = seed;
        var index = 0;
        foreach (var message in messages.EnumerateArray())
        {
            if (message.ValueKind != JsonValueKind.Object || !message.TryGetProperty("role", out var roleElement)
                || roleElement.ValueKind != JsonValueKind.String)
            {
                error = $"'messages[{index}]' must be an object with a string 'role'";
                return false;
            }

            var role = roleElement.GetString()!;
            if (!TryContent(message, out var content))
            {
                error = $"'messages[{index}].content' must be a string, an array of content parts or null";
                return false;
            }

            tokens += Text.CountWords(content);
            hash = Text.Hash(content, Text.Hash(role, hash));
            if (role == "user")
            {
                lastUser = content;
            }
            else if (role is "system" or "developer")
            {
                system ??= content;
            }

            index++;
        }

        if (!ToolChoice.TryRead(root, nested: true, out var forced, out error))
        {
            return false;
        }

        var choices = 1;
        if (root.TryGetProperty("n", out var n) && n.ValueKind != JsonValueKind.Null
            && (n.ValueKind != JsonValueKind.Number || !n.TryGetInt32(out choices) || choices is < 1 or > MaxChoices))
        {
            error = $"'n' must be an integer between 1 and {MaxChoices}";
            return false;
        }

        request = new ChatRequest(common, lastUser, system, index, tokens, hash, OutputFormat.FromChat(root), forced, choices);
        return true;
    }

    private static bool TryContent(JsonElement message, out string content)
    {
        if (!message.TryGetProperty("content", out var c) || c.ValueKind == JsonValueKind.Null)
        {
            content = "";
            return true;
        }

        return MessageContent.TryRead(c, out content);
    }
}
