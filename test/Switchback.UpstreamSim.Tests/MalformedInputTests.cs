using System.Net;
using Switchback.UpstreamSim.Tests.Support;

namespace Switchback.UpstreamSim.Tests;

public sealed class MalformedInputTests
{
    [Theory]
    [InlineData("v1/chat/completions", "{\"messages\": [", "invalid_json", "Invalid JSON")]
    [InlineData("v1/chat/completions", "", "invalid_json", "Invalid JSON")]
    [InlineData("v1/chat/completions", "{\"model\":\"m\"}", "invalid_messages", "'messages' is required")]
    [InlineData("v1/chat/completions", "{\"messages\":[]}", "invalid_messages", "'messages' is required")]
    [InlineData("v1/chat/completions", "[1,2]", "invalid_request", "JSON object")]
    [InlineData("v1/chat/completions", "{\"messages\":[{\"content\":\"x\"}]}", "invalid_request", "messages[0]")]
    [InlineData("v1/chat/completions", "{\"messages\":[{\"role\":\"user\",\"content\":5}]}", "invalid_request", "messages[0].content")]
    [InlineData("v1/chat/completions", "{\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"temperature\":\"hot\"}", "invalid_request", "'temperature'")]
    [InlineData("v1/chat/completions", "{\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"max_tokens\":0}", "invalid_request", "'max_tokens'")]
    [InlineData("v1/chat/completions", "{\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"stream\":\"yes\"}", "invalid_request", "'stream'")]
    [InlineData("v1/completions", "{\"model\":\"m\"}", "invalid_prompt", "'prompt' is required")]
    [InlineData("v1/completions", "{\"prompt\":[\"a\",3]}", "invalid_prompt", "'prompt[1]'")]
    [InlineData("v1/embeddings", "{\"model\":\"m\"}", "invalid_request", "'input' is required")]
    [InlineData("v1/embeddings", "{\"input\":\"x\",\"dimensions\":0}", "invalid_request", "'dimensions'")]
    [InlineData("v1/embeddings", "{\"input\":\"x\",\"encoding_format\":\"hex\"}", "invalid_request", "'encoding_format'")]
    [InlineData("v1/embeddings", "{\"input\":\"x\"", "invalid_json", "Invalid JSON")]
    [InlineData("v1/responses", "{\"input\":", "invalid_json", "Invalid JSON")]
    [InlineData("v1/responses", "{\"model\":\"m\"}", "invalid_input", "'input' is required")]
    [InlineData("v1/responses", "{\"input\":5}", "invalid_input", "'input' is required")]
    [InlineData("v1/responses", "{\"input\":[]}", "invalid_input", "'input' is required")]
    [InlineData("v1/responses", "{\"input\":[3]}", "invalid_input", "'input[0]'")]
    [InlineData("v1/responses", "{\"input\":[{\"role\":\"user\",\"content\":5}]}", "invalid_input", "'input[0]'")]
    [InlineData("v1/responses", "{\"input\":\"x\",\"model\":7}", "invalid_request", "'model'")]
    [InlineData("v1/responses", "{\"input\":\"x\",\"instructions\":[1]}", "invalid_request", "'instructions'")]
    [InlineData("v1/responses", "{\"input\":\"x\",\"max_output_tokens\":0}", "invalid_request", "'max_output_tokens'")]
    [InlineData("v1/responses", "{\"input\":\"x\",\"top_p\":2}", "invalid_request", "'top_p'")]
    [InlineData("v1/responses", "{\"input\":\"x\",\"tool_choice\":\"required\"}", "invalid_request", "'tool_choice'")]
    [InlineData("v1/responses", "{\"input\":\"x\",\"tools\":[{\"type\":\"function\"}]}", "invalid_request", "'tools[0].name'")]
    [InlineData("v1/responses", "{\"input\":\"x\",\"tools\":[{\"type\":\"function\",\"name\":\"f\"}],\"tool_choice\":{\"type\":\"function\",\"name\":\"g\"}}", "invalid_request", "'tool_choice.name'")]
    [InlineData("v1/chat/completions", "{\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"tool_choice\":\"required\"}", "invalid_request", "'tool_choice'")]
    [InlineData("v1/chat/completions", "{\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"tools\":[{\"type\":\"function\",\"name\":\"f\"}]}", "invalid_request", "'tools[0].function.name'")]
    [InlineData("v1/chat/completions", "{\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"f\"}}],\"tool_choice\":{\"type\":\"function\",\"function\":{\"name\":\"g\"}}}", "invalid_request", "'tool_choice.function.name'")]
    [InlineData("v1/chat/completions", "{\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"tool_choice\":\"always\"}", "invalid_request", "'tool_choice' must be")]
    public async Task Post_MalformedBody_Returns400NamingTheProblem(string path, string body, string code, string message)
    {
        await using var sim = await Sim.StartAsync();

        using var response = await sim.PostAsync(path, body);
        var error = (await sim.ReadJsonAsync(response)).GetProperty("error");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(code, error.GetProperty("code").GetString());
        Assert.Equal("invalid_request_error", error.GetProperty("type").GetString());
        Assert.Contains(message, error.GetProperty("message").GetString());
        Assert.Equal(1, sim.Stats.Count(SimOutcome.BadRequest));
    }

    [Fact]
    public async Task Post_AfterBadRequest_ServerStillAnswersAndSequenceIsUnaffected()
    {
        await using var sim = await Sim.StartAsync();
        await using var reference = await Sim.StartAsync();

        using var bad = await sim.PostAsync("v1/chat/completions", "{oops");
        using var good = await sim.PostAsync("v1/chat/completions", Sim.ChatBody("hello"));
        using var expected = await reference.PostAsync("v1/chat/completions", Sim.ChatBody("hello"));

        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Equal(HttpStatusCode.OK, good.StatusCode);
        Assert.Equal("1", good.Headers.GetValues("x-sim-seq").Single());
        Assert.Equal(expected.Headers.GetValues("x-sim-seq").Single(), good.Headers.GetValues("x-sim-seq").Single());
    }
}
