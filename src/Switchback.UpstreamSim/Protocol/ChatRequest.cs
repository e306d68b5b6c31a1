using System.Diagnostics.CodeAnalysis;
using System.Text;
using System.Text.Json;

namespace Switchback.UpstreamSim.Protocol;

/// <summary>The parts of a chat completion request the simulator uses; <c>ForcedTool</c> is the function <c>tool_choice</c> forces a call of.</summary>
internal sealed record ChatRequest(
    CommonFields Common,
    string LastUserMessage,
    string? SystemMessage,
    int MessageCount,
    int PromptTokens,
    ulong ContentHash,
    bool JsonMode,
    string? ForcedTool)
{
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

        var jsonMode = root.TryGetProperty("response_format", out var rf) && rf.ValueKind == JsonValueKind.Object
            && rf.TryGetProperty("type", out var type) && type.ValueKind == JsonValueKind.String
            && (type.ValueEquals("json_object") || type.ValueEquals("json_schema"));

        if (!Protocol.ForcedTool.TryRead(root, chat: true, out var forced, out error))
        {
            return false;
        }

        request = new ChatRequest(common, lastUser, system, index, tokens, hash, jsonMode, forced);
        return true;
    }

    private static bool TryContent(JsonElement message, out string content)
    {
        content = "";
        if (!message.TryGetProperty("content", out var c) || c.ValueKind == JsonValueKind.Null)
        {
            return true;
        }

        if (c.ValueKind == JsonValueKind.String)
        {
            content = c.GetString()!;
            return true;
        }

        if (c.ValueKind != JsonValueKind.Array)
        {
            return false;
        }

        var sb = new StringBuilder();
        foreach (var part in c.EnumerateArray())
        {
            if (part.ValueKind != JsonValueKind.Object)
            {
                return false;
            }

            if (part.TryGetProperty("text", out var text) && text.ValueKind == JsonValueKind.String)
            {
                sb.Append(sb.Length > 0 ? " " : "").Append(text.GetString());
            }
        }

        content = sb.ToString();
        return true;
    }
}
