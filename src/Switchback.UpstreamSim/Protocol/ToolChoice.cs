using System.Text.Json;

namespace Switchback.UpstreamSim.Protocol;

/// <summary>
/// Reads <c>tools</c> and <c>tool_choice</c> and decides which function, if any, the simulated model must call: the first
/// function tool for <c>"required"</c>, the named one for an object. Chat nests the name
/// (<c>{"type":"function","function":{"name":…}}</c>, in <c>tools</c> and in <c>tool_choice</c>); the Responses API does
/// not (<c>{"type":"function","name":…}</c>). Pure.
/// </summary>
internal static class ToolChoice
{
    /// <summary>The forced function, or null; false with a message naming the field when the tools or the choice are malformed.</summary>
    /// <param name="root">The request body.</param>
    /// <param name="nested">Chat's shape (the name inside <c>function</c>) rather than the Responses API's.</param>
    /// <param name="forced">The function the answer must call, if any.</param>
    /// <param name="error">The problem, naming the field.</param>
    public static bool TryRead(JsonElement root, bool nested, out string? forced, out string error)
    {
        forced = null;
        error = "";
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
                    if (FunctionName(tool, nested) is not { } name)
                    {
                        error = nested ? $"'tools[{index}].function.name' is required for a function tool" : $"'tools[{index}].name' is required for a function tool";
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

        const string Expected = "'tool_choice' must be \"auto\", \"none\", \"required\" or an object naming a function";
        if (choice.ValueKind == JsonValueKind.String)
        {
            if (choice.ValueEquals("auto") || choice.ValueEquals("none"))
            {
                return true;
            }

            if (!choice.ValueEquals("required"))
            {
                error = Expected;
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
            if (FunctionName(choice, nested) is not { } name || !functions.Contains(name))
            {
                error = nested ? "'tool_choice.function.name' must name a function in 'tools'" : "'tool_choice.name' must name a function in 'tools'";
                return false;
            }

            forced = name;
            return true;
        }

        // Hosted tools (web search, file search…) and allowed-tools choices are not simulated: the model answers in text.
        if (choice.ValueKind == JsonValueKind.Object)
        {
            return true;
        }

        error = Expected;
        return false;
    }

    private static string? FunctionName(JsonElement element, bool nested)
    {
        if (nested && (!element.TryGetProperty("function", out element) || element.ValueKind != JsonValueKind.Object))
        {
            return null;
        }

        return element.TryGetProperty("name", out var name) && name.ValueKind == JsonValueKind.String ? name.GetString() : null;
    }
}
