using System.Text.Json;

namespace Switchback.UpstreamSim.Hosting;

/// <summary>A chat answer's function call: its id and the function's name. Immutable.</summary>
internal sealed record ToolCall(string Id, string Name)
{
    /// <summary>
    /// One <c>tool_calls</c> entry. With <paramref name="header"/>, <c>id</c>, <c>type</c> and <c>function.name</c> (a whole
    /// call, or a stream's first delta of it); without, only <c>function.arguments</c> (a stream's later deltas).
    /// <paramref name="index"/> is written for stream deltas, which OpenAI addresses by index.
    /// </summary>
    public void Write(Utf8JsonWriter json, int? index, string arguments, bool header)
    {
        json.WriteStartObject();
        if (index is { } i)
        {
            json.WriteNumber("index", i);
        }

        if (header)
        {
            json.WriteString("id", Id);
            json.WriteString("type", "function");
        }

        json.WriteStartObject("function");
        if (header)
        {
            json.WriteString("name", Name);
        }

        json.WriteString("arguments", arguments);
        json.WriteEndObject();
        json.WriteEndObject();
    }
}
