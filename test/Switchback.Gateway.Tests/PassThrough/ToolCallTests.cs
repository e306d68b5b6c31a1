using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Switchback.Gateway.Tests.Hosting;
using Switchback.UpstreamSim;

namespace Switchback.Gateway.Tests.PassThrough;

/// <summary><c>tools</c>, <c>tool_choice</c> and <c>parallel_tool_calls</c> reach the upstream unchanged and tool calls come back intact, on chat and responses.</summary>
public sealed class ToolCallTests
{
    // Odd spacing, key order, an escaped character and a 1.0: a re-serialising gateway would change these bytes.
    private const string ChatTools = """[ {"type":"function","function":{"name":"lookup","description":"Find an order \u00e9","strict":true,"parameters":{"type":"object","properties":{"query":{"type":"string"},"limit":{"type":"number","default":1.0}},"required":["query","limit"],"additionalProperties":false}}},{"type":"function","function":{"name":"other","parameters":{}}} ]""";
    private const string ChatToolChoice = """{"type":"function", "function":{"name":"lookup"}}""";
    private const string ResponsesTools = """[ {"type":"function","name":"lookup","description":"Find an order \u00e9","strict":true,"parameters":{"type":"object","properties":{"query":{"type":"string"}},"required":["query"],"additionalProperties":false}},{"type":"web_search_preview"} ]""";
    private const string ResponsesToolChoice = """{"type":"function" ,"name":"lookup"}""";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Chat_Tools_ReachUpstreamByteForByteAndToolCallComesBack()
    {
        await using var setup = await PassThroughSetup.StartAsync();
        var body = ChatBody("find order 42", $$""","tools":{{ChatTools}},"tool_choice":{{ChatToolChoice}},"parallel_tool_calls":false""");

        using var response = await setup.PostAsync("/v1/chat/completions", body);
        var answer = JsonNode.Parse(await response.Content.ReadAsStringAsync(Ct))!;

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var received = setup.LastReceived("/v1/chat/completions");
        UpstreamAssert.ReceivedUnchanged(body, received, "tools", "tool_choice", "parallel_tool_calls");
        Assert.Equal("You are terse.", (string?)JsonNode.Parse(received)!["messages"]![0]!["content"]);
        var choice = answer["choices"]![0]!;
        Assert.Equal("tool_calls", (string?)choice["finish_reason"]);
        var call = choice["message"]!["tool_calls"]![0]!;
        Assert.Equal(("function", "lookup"), ((string?)call["type"], (string?)call["function"]!["name"]));
        Assert.StartsWith("call_", (string?)call["id"]);
        Assert.Equal("find order 42", (string?)JsonNode.Parse((string)call["function"]!["arguments"]!)!["query"]);
    }

    [Fact]
    public async Task ChatStream_ToolCallDeltas_PassThroughIntact()
    {
        await using var setup = await PassThroughSetup.StartAsync();
        var tools = $$""","tools":{{ChatTools}},"tool_choice":"required","parallel_tool_calls":true""";
        using var plain = await setup.PostAsync("/v1/chat/completions", ChatBody("find order 42", tools));
        var expected = JsonNode.Parse(await plain.Content.ReadAsStringAsync(Ct))!["choices"]![0]!["message"]!["tool_calls"]![0]!;
        var body = ChatBody("find order 42", tools + ""","stream":true""");

        using var response = await setup.PostAsync("/v1/chat/completions", body);
        var chunks = Sse.Data(await response.Content.ReadAsStringAsync(Ct));

        UpstreamAssert.ReceivedUnchanged(body, setup.LastReceived("/v1/chat/completions"), "tools", "tool_choice", "parallel_tool_calls");
        Assert.Equal("[DONE]", chunks[^1]);
        var deltas = chunks[..^1].Select(c => JsonNode.Parse(c)!["choices"]![0]!["delta"]!["tool_calls"]?[0]).OfType<JsonNode>().ToList();
        Assert.True(deltas.Count > 2);
        Assert.Equal(("lookup", "function", 0), ((string?)deltas[0]["function"]!["name"], (string?)deltas[0]["type"], (int)deltas[0]["index"]!));
        Assert.StartsWith("call_", (string?)deltas[0]["id"]);
        Assert.All(deltas, d => Assert.Equal(0, (int)d["index"]!));
        Assert.Equal((string?)expected["function"]!["arguments"], string.Concat(deltas.Select(d => (string?)d["function"]!["arguments"])));
        Assert.Equal("tool_calls", (string?)JsonNode.Parse(chunks[^2])!["choices"]![0]!["finish_reason"]);
    }

    [Fact]
    public async Task Responses_Tools_ReachUpstreamByteForByteAndFunctionCallComesBack()
    {
        await using var setup = await PassThroughSetup.StartAsync();
        var body = ResponsesBody("find order 42", $$""","tools":{{ResponsesTools}},"tool_choice":{{ResponsesToolChoice}},"parallel_tool_calls":false""");

        using var response = await setup.PostAsync("/v1/responses", body);
        var answer = JsonNode.Parse(await response.Content.ReadAsStringAsync(Ct))!;

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var received = setup.LastReceived("/v1/responses");
        UpstreamAssert.ReceivedUnchanged(body, received, "tools", "tool_choice", "parallel_tool_calls");
        Assert.Equal("You are terse.", (string?)JsonNode.Parse(received)!["instructions"]);
        var item = answer["output"]![0]!;
        Assert.Equal(("function_call", "lookup", "completed"), ((string?)item["type"], (string?)item["name"], (string?)item["status"]));
        Assert.StartsWith("call_", (string?)item["call_id"]);
        Assert.Equal("find order 42", (string?)JsonNode.Parse((string)item["arguments"]!)!["query"]);
    }

    [Fact]
    public async Task ResponsesStream_FunctionCallEvents_PassThroughIntact()
    {
        await using var setup = await PassThroughSetup.StartAsync();
        var body = ResponsesBody("find order 42", $$""","tools":{{ResponsesTools}},"tool_choice":"required","stream":true""");

        using var response = await setup.PostAsync("/v1/responses", body);
        var events = Sse.Typed(await response.Content.ReadAsStringAsync(Ct));

        UpstreamAssert.ReceivedUnchanged(body, setup.LastReceived("/v1/responses"), "tools", "tool_choice");
        var added = events.Single(e => e.Type == "response.output_item.added").Data["item"]!;
        Assert.Equal(("function_call", "lookup"), ((string?)added["type"], (string?)added["name"]));
        var deltas = events.Where(e => e.Type == "response.function_call_arguments.delta").Select(e => (string)e.Data["delta"]!).ToList();
        Assert.True(deltas.Count > 1);
        var done = events.Single(e => e.Type == "response.function_call_arguments.done").Data;
        Assert.Equal((string?)done["arguments"], string.Concat(deltas));
        Assert.Equal("find order 42", (string?)JsonNode.Parse(string.Concat(deltas))!["query"]);
        var final = events[^1];
        Assert.Equal("response.completed", final.Type);
        Assert.Equal(string.Concat(deltas), (string?)final.Data["response"]!["output"]![0]!["arguments"]);
        Assert.Equal(Enumerable.Range(0, events.Count), events.Select(e => (int)e.Data["sequence_number"]!));
    }

    internal static string ChatBody(string user, string extra = "")
        => $$"""{"model":"svc","messages":[{"role":"user","content":{{JsonSerializer.Serialize(user)}}}]{{extra}}}""";

    internal static string ResponsesBody(string input, string extra = "")
        => $$"""{"model":"svc","input":{{JsonSerializer.Serialize(input)}}{{extra}}}""";
}
