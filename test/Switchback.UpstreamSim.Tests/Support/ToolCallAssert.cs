using System.Text.Json;

namespace Switchback.UpstreamSim.Tests.Support;

/// <summary>The checks every test of a forced chat tool call makes on the answer.</summary>
internal static class ToolCallAssert
{
    /// <summary>
    /// Asserts a non-streamed chat completion ends in one call of <paramref name="name"/>, with null content, whose
    /// arguments' <c>query</c> is <paramref name="query"/>; returns the arguments.
    /// </summary>
    public static string ForcedCall(JsonElement body, string name, string query)
    {
        var choice = body.GetProperty("choices")[0];
        Assert.Equal("tool_calls", choice.GetProperty("finish_reason").GetString());
        var message = choice.GetProperty("message");
        Assert.Equal(JsonValueKind.Null, message.GetProperty("content").ValueKind);
        var call = Assert.Single(message.GetProperty("tool_calls").EnumerateArray());
        Assert.StartsWith("call_", call.GetProperty("id").GetString());
        Assert.Equal("function", call.GetProperty("type").GetString());
        Assert.Equal(name, call.GetProperty("function").GetProperty("name").GetString());
        var arguments = call.GetProperty("function").GetProperty("arguments").GetString()!;
        Assert.Equal(query, JsonDocument.Parse(arguments).RootElement.GetProperty("query").GetString());
        return arguments;
    }
}
