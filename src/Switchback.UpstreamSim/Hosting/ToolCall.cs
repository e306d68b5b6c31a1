using System.Text.Json;

namespace Switchback.UpstreamSim.Hosting;

/// <summary>One function call in a chat answer (<c>message.tool_calls[]</c>, or a stream's <c>delta.tool_calls[]</c>).</summary>
internal sealed record ToolCall(string Id, string Name)
{
    /// <summary>The whole call, as in a non-streamed <c>message.tool_calls[]</c>.</summary>
    public void Write(Utf8JsonWriter json, string arguments) => Write(json, arguments, streamed: false);

    /// <summary>A stream's first delta of the call: index, id, type and name, with empty arguments.</summary>
    public void WriteStreamStart(Utf8JsonWriter json) => Write(json, "", streamed: true);

    /// <summary>A stream's later delta: index and the next <paramref name="piece"/> of the arguments only.</summary>
    public static void WriteStreamPiece(Utf8JsonWriter json, string piece)
    {
        json.WriteStartObject();
        json.WriteNumber("index", 0);
        json.WriteStartObject("function");
        json.WriteString("arguments", piece);
        json.WriteEndObject();
        json.WriteEndObject();
    }

    private void Write(Utf8JsonWriter json, string arguments, bool streamed)
    {
        json.WriteStartObject();
        if (streamed)
        {
            json.WriteNumber("index", 0);
        }

        json.WriteString("id", Id);
        json.WriteString("type", "function");
        json.WriteStartObject("function");
        json.WriteString("name", Name);
        json.WriteString("arguments", arguments);
        json.WriteEndObject();
        json.WriteEndObject();
    }
}
