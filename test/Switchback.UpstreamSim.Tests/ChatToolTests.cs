using System.Net;
using System.Text.Json;
using Switchback.UpstreamSim.Tests.Support;

namespace Switchback.UpstreamSim.Tests;

/// <summary>Chat completions with function tools: a call when <c>tool_choice</c> forces one, text otherwise.</summary>
public sealed class ChatToolTests
{
    private const string Tools = ""","tools":[{"type":"function","function":{"name":"lookup","parameters":{"type":"object","properties":{"query":{"type":"string"}}}}},{"type":"function","function":{"name":"escalate"}}]""";

    [Theory]
    [InlineData("\"required\"", "lookup")]
    [InlineData("{\"type\":\"function\",\"function\":{\"name\":\"escalate\"}}", "escalate")]
    public async Task Chat_ToolChoiceForcesFunction_AnswersToolCall(string toolChoice, string expected)
    {
        await using var sim = await Sim.StartAsync();

        using var response = await sim.PostAsync("v1/chat/completions", Sim.ChatBody("order 42", extra: Tools + ",\"tool_choice\":" + toolChoice));
        var body = await sim.ReadJsonAsync(response);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        ToolCallAssert.ForcedCall(body, expected, query: "order 42");
        Assert.Equal(2, body.GetProperty("usage").GetProperty("completion_tokens").GetInt32());
    }

    [Theory]
    [InlineData("")]
    [InlineData(",\"tool_choice\":\"auto\"")]
    [InlineData(",\"tool_choice\":\"none\"")]
    public async Task Chat_ToolsWithoutForcedChoice_AnswersText(string toolChoice)
    {
        await using var sim = await Sim.StartAsync();

        var (status, content) = await sim.ChatAsync("order 42", Tools + toolChoice);

        Assert.Equal(200, status);
        Assert.StartsWith("Answer to: order 42", content);
    }

    [Fact]
    public async Task Chat_StreamWithForcedTool_SendsToolCallDeltasThenFinishAndUsage()
    {
        await using var sim = await Sim.StartAsync();

        using var response = await sim.PostAsync("v1/chat/completions",
            Sim.ChatBody("find order 42", extra: Tools + ""","tool_choice":"required","stream":true,"stream_options":{"include_usage":true}"""));
        var events = await Sse.ReadAllDataAsync(response);

        Assert.Equal("[DONE]", events[^1]);
        var chunks = events[..^1].Select(e => JsonDocument.Parse(e).RootElement).ToList();
        var first = chunks[0].GetProperty("choices")[0].GetProperty("delta");
        Assert.Equal("assistant", first.GetProperty("role").GetString());
        var start = Assert.Single(first.GetProperty("tool_calls").EnumerateArray());
        Assert.Equal(0, start.GetProperty("index").GetInt32());
        Assert.StartsWith("call_", start.GetProperty("id").GetString());
        Assert.Equal("lookup", start.GetProperty("function").GetProperty("name").GetString());
        Assert.Equal("", start.GetProperty("function").GetProperty("arguments").GetString());

        var pieces = chunks[1..^2].Select(c => c.GetProperty("choices")[0].GetProperty("delta").GetProperty("tool_calls")[0]).ToList();
        Assert.True(pieces.Count > 1, $"{pieces.Count} argument pieces");
        Assert.All(pieces, p => Assert.False(p.TryGetProperty("id", out _)));
        var arguments = string.Concat(pieces.Select(p => p.GetProperty("function").GetProperty("arguments").GetString()));
        Assert.Equal("find order 42", JsonDocument.Parse(arguments).RootElement.GetProperty("query").GetString());

        Assert.Equal("tool_calls", chunks[^2].GetProperty("choices")[0].GetProperty("finish_reason").GetString());
        Assert.Equal(0, chunks[^1].GetProperty("choices").GetArrayLength());
        Assert.Equal(3, chunks[^1].GetProperty("usage").GetProperty("completion_tokens").GetInt32());
    }

    [Fact]
    public async Task Chat_AfterToolResult_AnswersText()
    {
        await using var sim = await Sim.StartAsync();
        const string body = """
            {"model":"m","messages":[
              {"role":"user","content":"order 42"},
              {"role":"assistant","content":null,"tool_calls":[{"id":"call_1","type":"function","function":{"name":"lookup","arguments":"{\"query\":\"order 42\"}"}}]},
              {"role":"tool","tool_call_id":"call_1","content":"shipped"}],
             "tools":[{"type":"function","function":{"name":"lookup"}}]}
            """;

        using var response = await sim.PostAsync("v1/chat/completions", body);
        var message = (await sim.ReadJsonAsync(response)).GetProperty("choices")[0].GetProperty("message");

        Assert.StartsWith("Answer to: order 42", message.GetProperty("content").GetString());
        Assert.False(message.TryGetProperty("tool_calls", out _));
    }
}
