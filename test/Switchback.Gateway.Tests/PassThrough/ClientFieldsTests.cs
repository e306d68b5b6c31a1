using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Switchback.Gateway.Tests.Hosting;

namespace Switchback.Gateway.Tests.PassThrough;

/// <summary>
/// What the client set reaches the upstream as sent: sampling fields the bundle also has defaults for, <c>n</c>,
/// <c>logprobs</c>, <c>seed</c>, image content parts; and <c>stream_options.include_usage</c> feeds the token signals.
/// </summary>
public sealed class ClientFieldsTests
{
    private static readonly JsonObject EveryDefault = new()
    {
        ["serving"] = new JsonObject
        {
            ["temperature"] = 0.2, ["top_p"] = 0.9, ["max_tokens"] = 512, ["stop"] = new JsonArray("END"), ["seed"] = 7,
            ["presence_penalty"] = 0.5, ["frequency_penalty"] = 0.25, ["timeout_ms"] = 20000,
        },
    };

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Chat_ClientSetsEveryServingField_BundleDefaultsOverwriteNone()
    {
        await using var setup = await PassThroughSetup.StartAsync(EveryDefault);
        var body = ToolCallTests.ChatBody("hello",
            ""","temperature":1.30,"top_p":0.15,"max_tokens":20,"stop":"STOP","seed":99,"presence_penalty":-1.0,"frequency_penalty":1.5,"response_format":{"type":"json_object"}""");

        using var response = await setup.PostAsync("/v1/chat/completions", body);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var received = setup.LastReceived("/v1/chat/completions");
        UpstreamAssert.ReceivedUnchanged(body, received, "temperature", "top_p", "max_tokens", "stop", "seed", "presence_penalty", "frequency_penalty", "response_format");
        AssertEachFieldOnce(received);
        Assert.False(JsonNode.Parse(received)!.AsObject().ContainsKey("timeout_ms"));
    }

    [Fact]
    public async Task Chat_ClientSetsMaxCompletionTokens_BundleMaxTokensNotAdded()
    {
        // OpenAI refuses max_tokens and max_completion_tokens together, and servers that take both prefer one arbitrarily.
        await using var setup = await PassThroughSetup.StartAsync(EveryDefault);
        var body = ToolCallTests.ChatBody("Tell me a long story", ""","max_completion_tokens":3""");

        using var response = await setup.PostAsync("/v1/chat/completions", body);
        var answer = JsonNode.Parse(await response.Content.ReadAsStringAsync(Ct))!;

        var received = JsonNode.Parse(setup.LastReceived("/v1/chat/completions"))!.AsObject();
        Assert.False(received.ContainsKey("max_tokens"));
        Assert.Equal(3, (int)received["max_completion_tokens"]!);
        Assert.Equal(0.2, (double)received["temperature"]!);
        Assert.Equal("length", (string?)answer["choices"]![0]!["finish_reason"]);
    }

    [Fact]
    public async Task Chat_ClientSetsNone_EveryServingDefaultFilled()
    {
        await using var setup = await PassThroughSetup.StartAsync(EveryDefault);

        using var response = await setup.PostAsync("/v1/chat/completions", ToolCallTests.ChatBody("hello"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var received = JsonNode.Parse(setup.LastReceived("/v1/chat/completions"))!.AsObject();
        Assert.Equal("""{"temperature":0.2,"top_p":0.9,"max_tokens":512,"stop":["END"],"seed":7,"presence_penalty":0.5,"frequency_penalty":0.25}""",
            new JsonObject(received.Where(p => p.Key is not ("model" or "messages")).Select(p => KeyValuePair.Create(p.Key, p.Value?.DeepClone()))).ToJsonString());
    }

    [Fact]
    public async Task Responses_ClientSetsEveryServingField_BundleDefaultsOverwriteNone()
    {
        await using var setup = await PassThroughSetup.StartAsync(EveryDefault);
        var body = ToolCallTests.ResponsesBody("hello", ""","temperature":1.30,"top_p":0.15,"max_output_tokens":20,"text":{"format":{"type":"json_object"}}""");

        using var response = await setup.PostAsync("/v1/responses", body);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var received = setup.LastReceived("/v1/responses");
        UpstreamAssert.ReceivedUnchanged(body, received, "temperature", "top_p", "max_output_tokens", "text");
        AssertEachFieldOnce(received);

        // The Responses API has no stop, seed or penalties (OpenAI refuses unknown fields): those defaults never apply.
        Assert.Equal(["model", "input", "temperature", "top_p", "max_output_tokens", "text", "instructions"], JsonNode.Parse(received)!.AsObject().Select(p => p.Key));
    }

    [Fact]
    public async Task Responses_ClientSetsNone_ItsServingDefaultsFilled()
    {
        await using var setup = await PassThroughSetup.StartAsync(EveryDefault);

        using var response = await setup.PostAsync("/v1/responses", ToolCallTests.ResponsesBody("hello"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var received = JsonNode.Parse(setup.LastReceived("/v1/responses"))!.AsObject();
        Assert.Equal("""{"temperature":0.2,"top_p":0.9,"max_output_tokens":512}""",
            new JsonObject(received.Where(p => p.Key is not ("model" or "input" or "instructions")).Select(p => KeyValuePair.Create(p.Key, p.Value?.DeepClone()))).ToJsonString());
    }

    [Fact]
    public async Task Chat_NLogprobsSeedAndImageParts_ReachUpstreamUnchangedAndEveryChoiceComesBack()
    {
        await using var setup = await PassThroughSetup.StartAsync(EveryDefault);
        const string Messages = """[{"role":"user","content":[{"type":"text","text":"What is in this image?"},{"type":"image_url","image_url":{"url":"data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==","detail":"low"}},{"type":"image_url","image_url":{"url":"https://example.com/cat.png"}}]}]""";
        var body = $$"""{"model":"svc","messages":{{Messages}},"n":3,"logprobs":true,"top_logprobs":5,"seed":-42,"user":"u1"}""";

        using var response = await setup.PostAsync("/v1/chat/completions", body);
        var answer = JsonNode.Parse(await response.Content.ReadAsStringAsync(Ct))!;

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var received = setup.LastReceived("/v1/chat/completions");
        UpstreamAssert.ReceivedUnchanged(body, received, "n", "logprobs", "top_logprobs", "seed", "user");
        UpstreamAssert.ReceivedUnchangedAt(body, "messages/-1", received, "messages/-1");
        Assert.Equal(2, JsonNode.Parse(received)!["messages"]!.AsArray().Count);
        Assert.Equal([0, 1, 2], answer["choices"]!.AsArray().Select(c => (int)c!["index"]!));
        Assert.All(answer["choices"]!.AsArray(), c => Assert.StartsWith("Answer to: What is in this image?", (string?)c!["message"]!["content"]));
    }

    [Fact]
    public async Task Responses_ImagePartsAndLogprobs_ReachUpstreamUnchanged()
    {
        await using var setup = await PassThroughSetup.StartAsync(EveryDefault);
        const string Input = """[{"role":"user","content":[{"type":"input_text","text":"Describe it"},{"type":"input_image","image_url":"data:image/png;base64,iVBORw0KGgo=","detail":"high"},{"type":"input_image","file_id":"file-abc"}]}]""";
        var body = $$"""{"model":"svc","input":{{Input}},"top_logprobs":4,"include":["message.output_text.logprobs"],"parallel_tool_calls":false}""";

        using var response = await setup.PostAsync("/v1/responses", body);
        var answer = JsonNode.Parse(await response.Content.ReadAsStringAsync(Ct))!;

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        UpstreamAssert.ReceivedUnchanged(body, setup.LastReceived("/v1/responses"), "input", "top_logprobs", "include", "parallel_tool_calls");
        Assert.StartsWith("Answer to: Describe it", (string?)answer["output"]![0]!["content"]![0]!["text"]);
    }

    [Fact]
    public async Task ChatStream_IncludeUsage_FinalChunkUsageFeedsTheTokenSignals()
    {
        await using var setup = await PassThroughSetup.StartAsync();
        var body = ToolCallTests.ChatBody("Stream this answer please", ""","stream":true,"stream_options":{"include_usage":true}""");

        using var response = await setup.PostAsync("/v1/chat/completions", body);
        var chunks = Sse.Data(await response.Content.ReadAsStringAsync(Ct));

        UpstreamAssert.ReceivedUnchanged(body, setup.LastReceived("/v1/chat/completions"), "stream", "stream_options");
        var usage = JsonNode.Parse(chunks[^2])!["usage"]!;
        Assert.Empty(JsonNode.Parse(chunks[^2])!["choices"]!.AsArray());
        var signals = setup.Host.Signals.Get("svc", 1).AggregateLast(TimeSpan.FromMinutes(1));
        Assert.True((long)usage["completion_tokens"]! > 5);
        Assert.Equal(((long)usage["prompt_tokens"]!, (long)usage["completion_tokens"]!), (signals.TokensIn, signals.TokensOut));
    }

    [Fact]
    public async Task ChatStream_WithoutIncludeUsage_NoTokensCountedButTheRequestIs()
    {
        // The gateway never adds stream_options on the client's behalf: the answer would gain a chunk the client did not ask for.
        await using var setup = await PassThroughSetup.StartAsync();
        var body = ToolCallTests.ChatBody("Stream this answer please", ""","stream":true""");

        using var response = await setup.PostAsync("/v1/chat/completions", body);
        var chunks = Sse.Data(await response.Content.ReadAsStringAsync(Ct));

        Assert.DoesNotContain(chunks, c => c.Contains("\"usage\"", StringComparison.Ordinal));
        Assert.False(JsonNode.Parse(setup.LastReceived("/v1/chat/completions"))!.AsObject().ContainsKey("stream_options"));
        var signals = setup.Host.Signals.Get("svc", 1).AggregateLast(TimeSpan.FromMinutes(1));
        Assert.Equal((1L, 0L, 0L), (signals.Requests, signals.TokensIn, signals.TokensOut));
    }

    private static void AssertEachFieldOnce(string body)
    {
        using var document = JsonDocument.Parse(body);
        var names = document.RootElement.EnumerateObject().Select(p => p.Name).ToList();
        Assert.Equal(names.Distinct(), names);
    }
}
