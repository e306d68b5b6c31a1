using System.Text.Json;

namespace Switchback.UpstreamSim.Protocol;

/// <summary>
/// Reads <c>tools</c> and <c>tool_choice</c> the way both APIs send them and tells which function a call is forced of:
/// the first function for <c>"required"</c>, the named one for an object; none for <c>"auto"</c>, <c>"none"</c> or no
/// choice (the simulated model then answers in text).
/// </summary>
internal static class ForcedTool
{
    private const string ChoiceError = "'tool_choice' must be \"auto\", \"none\", \"required\" or an object naming a function";

    /// <param name="root">The request object.</param>
    /// <param name="chat">Chat's shape (<c>{"type":"function","function":{"name"}}</c>), else the Responses API's (<c>{"type":"function","name"}</c>).</param>
    /// <param name="forced">The function a call is forced of, if any.</param>
    /// <param name="error">What is wrong, naming the field.</param>
    public static bool TryRead(JsonElement root, bool chat, out string? forced, out string error)
    {
        forced = null;
        error = "";
        var nameField = chat ? "function.name" : "name";
        var functions = new List<string>();
        if (root.TryGetProperty("tools", out var tools) && tools.ValueKind != JsonValueKind.Null)
        {
            if (tools.ValueKind != JsonValueKind.Array)
            {
                error = "'tools' must be an array";
                return false;
            }

            var index = 0;
            foreach (var tool in tools.EnumerateArray())
            {
                if (tool.ValueKind != JsonValueKind.Object || !tool.TryGetProperty("type", out var type) || type.ValueKind != JsonValueKind.String)
                {
                    error = $"'tools[{index}]' must be an object with a string 'type'";
                    return false;
                }

                if (type.ValueEquals("function"))
                {
                    if (FunctionName(tool, chat) is not { } name)
                    {
                        error = $"'tools[{index}].{nameField}' is required for a function tool";
                        return false;
                    }

                    functions.Add(name);
                }

                index++;
            }
        }

        if (!root.TryGetProperty("tool_choice", out var choice) || choice.ValueKind == JsonValueKind.Null)
        {
            return true;
        }

        if (choice.ValueKind == JsonValueKind.String)
        {
            if (choice.ValueEquals("auto") || choice.ValueEquals("none"))
            {
                return true;
            }

            if (!choice.ValueEquals("required"))
            {
                error = ChoiceError;
                return false;
            }

            if (functions.Count == 0)
            {
                error = "'tool_choice' is \"required\" but 'tools' has no function";
                return false;
            }

            forced = functions[0];
            return true;
        }

        if (choice.ValueKind == JsonValueKind.Object && choice.TryGetProperty("type", out var ct) && ct.ValueEquals("function"))
        {
            if (FunctionName(choice, chat) is not { } name || !functions.Contains(name))
            {
                error = $"'tool_choice.{nameField}' must name a function in 'tools'";
                return false;
            }

            forced = name;
            return true;
        }

        // Hosted tools (web search, file search…) are not simulated: the model answers in text.
        if (choice.ValueKind == JsonValueKind.Object)
        {
            return true;
        }

        error = ChoiceError;
        return false;
    }

    /// <summary>The arguments of a simulated call: <c>{"query": "&lt;last user message, max 80 chars&gt;"}</c>.</summary>
    public static string Arguments(string lastUserMessage)
        => "{\"query\":" + JsonSerializer.Serialize(Text.Truncate(lastUserMessage.Trim(), 80), SimJsonContext.Default.String) + "}";

    private static string? FunctionName(JsonElement item, bool chat)
    {
        if (chat)
        {
            if (!item.TryGetProperty("function", out var function) || function.ValueKind != JsonValueKind.Object)
            {
                return null;
            }

            item = function;
        }

        return item.TryGetProperty("name", out var name) && name.ValueKind == JsonValueKind.String ? name.GetString() : null;
    }
}
