using System.Net;
using System.Text.Json.Nodes;

namespace Switchback.Gateway.Tests.PassThrough;

/// <summary><c>/v1/completions</c> and <c>/v1/embeddings</c> through the gateway to a real simulator: answered, defaults applied, usage counted.</summary>
public sealed class CompletionsAndEmbeddingsTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Completions_PlainAndStream_DefaultsFilledClientFieldsKeptAndUsageCounted()
    {
        await using var setup = await PassThroughSetup.StartAsync(new JsonObject { ["serving"] = new JsonObject { ["temperature"] = 0.2, ["max_tokens"] = 512 } });
        var plainBody = """{"model":"svc","prompt":"Complete this sentence","max_tokens":4,"logprobs":2,"echo":false}""";

        using var plain = await setup.PostAsync("/v1/completions", plainBody);
        var answer = JsonNode.Parse(await plain.Content.ReadAsStringAsync(Ct))!;
        var received = setup.LastReceived("/v1/completions");
        using var stream = await setup.PostAsync("/v1/completions", """{"model":"svc","prompt":"Complete this sentence","stream":true,"stream_options":{"include_usage":true}}""");
        var chunks = Sse.Data(await stream.Content.ReadAsStringAsync(Ct));

        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.OK), (plain.StatusCode, stream.StatusCode));
        Hosting.UpstreamAssert.ReceivedUnchanged(plainBody, received, "prompt", "max_tokens", "logprobs", "echo");
        Assert.Equal((0.2, "up-model"), ((double)JsonNode.Parse(received)!["temperature"]!, (string?)JsonNode.Parse(received)!["model"]));
        Assert.Equal("Completion of: Complete this", (string?)answer["choices"]![0]!["text"]);
        Assert.Equal("[DONE]", chunks[^1]);
        var streamUsage = JsonNode.Parse(chunks[^2])!["usage"]!;
        var plainUsage = answer["usage"]!;
        var signals = setup.Host.Signals.Get("svc", 1).AggregateLast(TimeSpan.FromMinutes(1));
        Assert.Equal(
            ((long)plainUsage["prompt_tokens"]! + (long)streamUsage["prompt_tokens"]!, (long)plainUsage["completion_tokens"]! + (long)streamUsage["completion_tokens"]!),
            (signals.TokensIn, signals.TokensOut));
        Assert.True(signals.TokensOut > 4);
    }

    [Fact]
    public async Task Embeddings_Plain_NoDefaultsAddedAndPromptTokensCounted()
    {
        await using var setup = await PassThroughSetup.StartAsync(new JsonObject { ["serving"] = new JsonObject { ["temperature"] = 0.2, ["max_tokens"] = 512 } });
        var body = """{"model":"svc","input":["one two three","four"],"dimensions":8,"encoding_format":"float"}""";

        using var response = await setup.PostAsync("/v1/embeddings", body);
        var answer = JsonNode.Parse(await response.Content.ReadAsStringAsync(Ct))!;

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var received = setup.LastReceived("/v1/embeddings");
        Hosting.UpstreamAssert.ReceivedUnchanged(body, received, "input", "dimensions", "encoding_format");
        Assert.Equal(["model", "input", "dimensions", "encoding_format"], JsonNode.Parse(received)!.AsObject().Select(p => p.Key));
        Assert.Equal(2, answer["data"]!.AsArray().Count);
        Assert.Equal(8, answer["data"]![0]!["embedding"]!.AsArray().Count);
        var signals = setup.Host.Signals.Get("svc", 1).AggregateLast(TimeSpan.FromMinutes(1));
        Assert.Equal(((long)answer["usage"]!["prompt_tokens"]!, 0L), (signals.TokensIn, signals.TokensOut));
    }
}
