using System.Net;
using System.Text.Json;
using Switchback.UpstreamSim.Tests.Support;

namespace Switchback.UpstreamSim.Tests;

public sealed class EndpointTests
{
    [Fact]
    public async Task ChatCompletions_Healthy_EchoesPromptAndBundleFields()
    {
        await using var sim = await Sim.StartAsync();
        using var request = new HttpRequestMessage(HttpMethod.Post, "v1/chat/completions")
        {
            Content = Sim.Json(Sim.ChatBody("What is the refund policy?", "You are Acme support.", ""","temperature":0.25,"max_tokens":200"""))
        };
        request.Headers.Add("x-switchback-retrieval", "kb-articles@2026-11-20");
        request.Headers.Add("x-switchback-tokenizer", "llama3@1");

        using var response = await sim.Client.SendAsync(request, TestContext.Current.CancellationToken);
        var body = await sim.ReadJsonAsync(response);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("chat.completion", body.GetProperty("object").GetString());
        Assert.Equal("m", body.GetProperty("model").GetString());
        var choice = body.GetProperty("choices")[0];
        Assert.Equal("stop", choice.GetProperty("finish_reason").GetString());
        var content = choice.GetProperty("message").GetProperty("content").GetString()!;
        Assert.StartsWith("Answer to: What is the refund policy?", content);
        var usage = body.GetProperty("usage");
        Assert.Equal(9, usage.GetProperty("prompt_tokens").GetInt32());
        Assert.Equal(content.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length, usage.GetProperty("completion_tokens").GetInt32());
        Assert.Equal(usage.GetProperty("prompt_tokens").GetInt32() + usage.GetProperty("completion_tokens").GetInt32(),
            usage.GetProperty("total_tokens").GetInt32());

        var echo = body.GetProperty("sim");
        Assert.Equal("You are Acme support.", echo.GetProperty("system").GetString());
        Assert.Equal(0.25, echo.GetProperty("temperature").GetDouble());
        Assert.Equal(200, echo.GetProperty("max_tokens").GetInt32());
        Assert.Equal("kb-articles@2026-11-20", echo.GetProperty("retrieval").GetString());
        Assert.Equal("llama3@1", echo.GetProperty("tokenizer").GetString());
        Assert.Equal("m", response.Headers.GetValues("x-sim-model").Single());
        Assert.Equal("0.25", response.Headers.GetValues("x-sim-temperature").Single());
        Assert.Equal("200", response.Headers.GetValues("x-sim-max-tokens").Single());
        Assert.Equal("kb-articles@2026-11-20", response.Headers.GetValues("x-sim-retrieval").Single());
        Assert.Equal("llama3@1", response.Headers.GetValues("x-sim-tokenizer").Single());
        Assert.Equal(1, sim.Stats.RequestsTo(SimEndpoint.ChatCompletions));
        Assert.Equal(1, sim.Stats.Count(SimOutcome.Ok));
    }

    [Fact]
    public async Task ChatCompletions_MaxTokens_TruncatesWithLengthFinish()
    {
        await using var sim = await Sim.StartAsync();

        using var response = await sim.PostAsync("v1/chat/completions", Sim.ChatBody("Tell me a long story", extra: ""","max_tokens":3"""));
        var choice = (await sim.ReadJsonAsync(response)).GetProperty("choices")[0];

        Assert.Equal("Answer to: Tell", choice.GetProperty("message").GetProperty("content").GetString());
        Assert.Equal("length", choice.GetProperty("finish_reason").GetString());
    }

    [Fact]
    public async Task ChatCompletions_JsonMode_ReturnsJsonObjectContent()
    {
        await using var sim = await Sim.StartAsync();

        var (status, content) = await sim.ChatAsync("Give JSON", ""","response_format":{"type":"json_object"}""");

        Assert.Equal(200, status);
        using var parsed = JsonDocument.Parse(content);
        Assert.StartsWith("Answer to: Give JSON", parsed.RootElement.GetProperty("answer").GetString());
    }

    [Fact]
    public async Task Completions_PromptArray_OneChoicePerPrompt()
    {
        await using var sim = await Sim.StartAsync();

        using var response = await sim.PostAsync("v1/completions", """{"model":"m","prompt":["first prompt","second"]}""");
        var body = await sim.ReadJsonAsync(response);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text_completion", body.GetProperty("object").GetString());
        var choices = body.GetProperty("choices");
        Assert.Equal(2, choices.GetArrayLength());
        Assert.StartsWith("Completion of: first prompt", choices[0].GetProperty("text").GetString());
        Assert.StartsWith("Completion of: second", choices[1].GetProperty("text").GetString());
        Assert.Equal(1, choices[1].GetProperty("index").GetInt32());
        Assert.Equal(3, body.GetProperty("usage").GetProperty("prompt_tokens").GetInt32());
    }

    [Fact]
    public async Task Models_ListsConfiguredModelName()
    {
        await using var sim = await Sim.StartAsync(new UpstreamSimOptions { ModelName = "llama-sim" });

        using var response = await sim.Client.GetAsync("v1/models", TestContext.Current.CancellationToken);
        var body = await sim.ReadJsonAsync(response);

        Assert.Equal("list", body.GetProperty("object").GetString());
        Assert.Equal("llama-sim", body.GetProperty("data")[0].GetProperty("id").GetString());
    }

    [Fact]
    public async Task Health_Healthy_Returns200WithProfile()
    {
        await using var sim = await Sim.StartAsync(new UpstreamSimOptions { Profile = SimProfile.SilentRegression });

        using var response = await sim.Client.GetAsync("health", TestContext.Current.CancellationToken);
        var body = await sim.ReadJsonAsync(response);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("silent-regression", body.GetProperty("profile").GetString());
    }

    [Theory]
    [InlineData("GET", "v1/nothing-here", HttpStatusCode.NotFound, "not_found")]
    [InlineData("GET", "v1/chat/completions", HttpStatusCode.MethodNotAllowed, "method_not_allowed")]
    public async Task UnknownRoute_ReturnsOpenAiShapedError(string method, string path, HttpStatusCode expected, string code)
    {
        await using var sim = await Sim.StartAsync();

        using var response = await sim.Client.SendAsync(new HttpRequestMessage(new HttpMethod(method), path), TestContext.Current.CancellationToken);
        var error = (await sim.ReadJsonAsync(response)).GetProperty("error");

        Assert.Equal(expected, response.StatusCode);
        Assert.Equal(code, error.GetProperty("code").GetString());
        Assert.Equal("invalid_request_error", error.GetProperty("type").GetString());
        Assert.Contains(path.Split('/')[^1], error.GetProperty("message").GetString());
    }
}
