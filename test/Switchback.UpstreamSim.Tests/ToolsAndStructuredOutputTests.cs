using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Switchback.Core.OnlineEvaluators;
using Switchback.UpstreamSim.Tests.Support;

namespace Switchback.UpstreamSim.Tests;

/// <summary>Chat tool calls, <c>n</c>, JSON-schema answers on chat and responses, and the recorded request bodies.</summary>
public sealed class ToolsAndStructuredOutputTests
{
    private const string ChatTools = ""","tools":[{"type":"function","function":{"name":"lookup","parameters":{"type":"object","properties":{"query":{"type":"string"}}}}},{"type":"function","function":{"name":"other"}}]""";

    private const string Schema = """
        {"type":"object","additionalProperties":false,"required":["city","temperature","unit","sunny","tags","place"],
         "properties":{"city":{"type":"string","maxLength":20},"temperature":{"type":"number","minimum":-50,"maximum":60},
          "unit":{"type":"string","enum":["celsius","fahrenheit"]},"sunny":{"type":"boolean"},
          "tags":{"type":"array","items":{"type":"string"},"minItems":2},"place":{"$ref":"#/$defs/place"},
          "note":{"type":["string","null"]},"count":{"type":"integer","exclusiveMinimum":100}},
         "$defs":{"place":{"type":"object","additionalProperties":false,"required":["lat"],"properties":{"lat":{"type":"number"}}}}}
        """;

    private static readonly ResponseEvaluator Evaluator = new(EvaluatorOptions.FromJson(new JsonObject()));

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("\"required\"")]
    [InlineData("{\"type\":\"function\",\"function\":{\"name\":\"lookup\"}}")]
    public async Task Chat_ToolChoiceForcesFunction_AnswersToolCall(string toolChoice)
    {
        await using var sim = await Sim.StartAsync();

        using var response = await sim.PostAsync("v1/chat/completions", Sim.ChatBody("order 42", extra: ChatTools + ""","tool_choice":""" + toolChoice));
        var body = await sim.ReadJsonAsync(response);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var arguments = ToolCallAssert.ForcedCall(body, "lookup", query: "order 42");
        Assert.Equal(arguments.Split(' ').Length, body.GetProperty("usage").GetProperty("completion_tokens").GetInt32());
    }

    [Theory]
    [InlineData("\"auto\"")]
    [InlineData("\"none\"")]
    [InlineData("{\"type\":\"allowed_tools\",\"allowed_tools\":{\"mode\":\"auto\",\"tools\":[]}}")]
    public async Task Chat_ToolChoiceNotForcing_AnswersText(string toolChoice)
    {
        await using var sim = await Sim.StartAsync();

        var (status, content) = await sim.ChatAsync("order 42", ChatTools + ""","tool_choice":""" + toolChoice);

        Assert.Equal((200, true), (status, content.StartsWith("Answer to: order 42", StringComparison.Ordinal)));
    }

    [Theory]
    [InlineData(""","tools":{},"tool_choice":"required" """, "'tools' must be an array")]
    [InlineData(""","tools":[{"type":"function","name":"lookup"}],"tool_choice":"required" """, "'tools[0].function.name' is required for a function tool")]
    [InlineData(""","tool_choice":"required" """, "'tool_choice' is \"required\" but 'tools' has no function")]
    [InlineData(""","tools":[{"type":"function","function":{"name":"a"}}],"tool_choice":{"type":"function","function":{"name":"b"}}""", "'tool_choice.function.name' must name a function in 'tools'")]
    [InlineData(""","tool_choice":"sometimes" """, "'tool_choice' must be \"auto\", \"none\", \"required\" or an object naming a function")]
    [InlineData(""","n":0""", "'n' must be an integer between 1 and 128")]
    [InlineData(""","n":1.5""", "'n' must be an integer between 1 and 128")]
    public async Task Chat_MalformedToolsOrN_Is400NamingTheField(string extra, string message)
    {
        await using var sim = await Sim.StartAsync();

        using var response = await sim.PostAsync("v1/chat/completions", Sim.ChatBody("x", extra: extra));
        var error = (await sim.ReadJsonAsync(response)).GetProperty("error");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(message, error.GetProperty("message").GetString());
        Assert.Equal("invalid_request", error.GetProperty("code").GetString());
    }

    [Fact]
    public async Task ChatStream_ForcedTool_SendsToolCallDeltasThatAssembleToTheArguments()
    {
        await using var sim = await Sim.StartAsync();
        using var plain = await sim.PostAsync("v1/chat/completions", Sim.ChatBody("find order 42", extra: ChatTools + ""","tool_choice":"required" """));
        var expected = (await sim.ReadJsonAsync(plain)).GetProperty("choices")[0].GetProperty("message").GetProperty("tool_calls")[0];

        using var response = await sim.PostAsync("v1/chat/completions",
            Sim.ChatBody("find order 42", extra: ChatTools + ""","tool_choice":"required","stream":true,"stream_options":{"include_usage":true}"""));
        var events = await Sse.ReadAllDataAsync(response);

        Assert.Equal("[DONE]", events[^1]);
        var chunks = events[..^1].Select(e => JsonDocument.Parse(e).RootElement).ToList();
        var first = chunks[0].GetProperty("choices")[0].GetProperty("delta");
        Assert.Equal("assistant", first.GetProperty("role").GetString());
        var header = first.GetProperty("tool_calls")[0];
        Assert.Equal((0, "function", "lookup", ""), (header.GetProperty("index").GetInt32(), header.GetProperty("type").GetString(),
            header.GetProperty("function").GetProperty("name").GetString(), header.GetProperty("function").GetProperty("arguments").GetString()));
        var pieces = chunks.Skip(1).Where(c => c.GetProperty("choices").GetArrayLength() > 0 && c.GetProperty("choices")[0].GetProperty("delta").TryGetProperty("tool_calls", out _))
            .Select(c => c.GetProperty("choices")[0].GetProperty("delta").GetProperty("tool_calls")[0]).ToList();
        Assert.True(pieces.Count > 1);
        Assert.All(pieces, p => Assert.False(p.TryGetProperty("id", out _)));
        Assert.Equal(expected.GetProperty("function").GetProperty("arguments").GetString(), string.Concat(pieces.Select(p => p.GetProperty("function").GetProperty("arguments").GetString())));
        Assert.Equal("", Sse.ChatContent(events));
        Assert.Equal("tool_calls", chunks[^2].GetProperty("choices")[0].GetProperty("finish_reason").GetString());
        Assert.Equal(0, chunks[^1].GetProperty("choices").GetArrayLength());
        Assert.True(chunks[^1].GetProperty("usage").GetProperty("completion_tokens").GetInt32() > 0);
    }

    [Fact]
    public async Task Chat_NChoices_AnswersThatManyChoicesAndCountsAllTheirTokens()
    {
        await using var sim = await Sim.StartAsync();
        var (_, single) = await sim.ChatAsync("pick a name");

        using var response = await sim.PostAsync("v1/chat/completions", Sim.ChatBody("pick a name", extra: ""","n":3"""));
        var body = await sim.ReadJsonAsync(response);

        var contents = body.GetProperty("choices").EnumerateArray().Select(c => c.GetProperty("message").GetProperty("content").GetString()!).ToList();
        Assert.Equal([0, 1, 2], body.GetProperty("choices").EnumerateArray().Select(c => c.GetProperty("index").GetInt32()));
        Assert.Equal(single, contents[0]);
        Assert.Equal(3, contents.Distinct().Count());
        Assert.Equal(contents.Sum(c => c.Split(' ').Length), body.GetProperty("usage").GetProperty("completion_tokens").GetInt32());

        using var streamed = await sim.PostAsync("v1/chat/completions", Sim.ChatBody("pick a name", extra: ""","n":3,"stream":true"""));
        var events = await Sse.ReadAllDataAsync(streamed);
        Assert.Equal(string.Concat(contents), Sse.ChatContent(events));
    }

    [Fact]
    public async Task Chat_JsonSchema_AnswerConformsToTheSchema()
    {
        await using var sim = await Sim.StartAsync();

        var (status, content) = await sim.ChatAsync("Weather in Paris?",
            $$$""","response_format":{"type":"json_schema","json_schema":{"name":"weather","strict":true,"schema":{{{Schema}}}}}""");

        Assert.Equal(200, status);
        AssertConforms(content);
        var answer = JsonDocument.Parse(content).RootElement;
        Assert.StartsWith("Answer to: Weather", answer.GetProperty("city").GetString());
        Assert.Equal("celsius", answer.GetProperty("unit").GetString());
        Assert.Equal(2, answer.GetProperty("tags").GetArrayLength());
        Assert.Equal(JsonValueKind.Number, answer.GetProperty("place").GetProperty("lat").ValueKind);
        Assert.True(answer.GetProperty("count").GetInt32() > 100);
    }

    [Fact]
    public async Task Responses_TextFormatJsonSchema_AnswerConformsToTheSchema()
    {
        await using var sim = await Sim.StartAsync();

        using var response = await sim.PostAsync("v1/responses",
            Sim.ResponsesBody("Weather in Paris?", $$$""","text":{"format":{"type":"json_schema","name":"weather","strict":true,"schema":{{{Schema}}}}}"""));
        var body = await sim.ReadJsonAsync(response);

        var text = body.GetProperty("output")[0].GetProperty("content")[0].GetProperty("text").GetString()!;
        AssertConforms(text);
        Assert.StartsWith("Answer to: Weather", JsonDocument.Parse(text).RootElement.GetProperty("city").GetString());
    }

    [Theory]
    [InlineData("""{"type":"json_schema","json_schema":{"name":"x"}}""")]
    [InlineData("""{"type":"json_object"}""")]
    public async Task Chat_JsonWithoutSchema_AnswersAnswerObject(string format)
    {
        await using var sim = await Sim.StartAsync();

        var (_, content) = await sim.ChatAsync("Give JSON", ""","response_format":""" + format);

        Assert.StartsWith("Answer to: Give JSON", JsonDocument.Parse(content).RootElement.GetProperty("answer").GetString());
    }

    [Fact]
    public async Task SilentRegression_JsonSchema_InvalidJsonIsTheOnlyNonConformingAnswer()
    {
        await using var sim = await Sim.StartAsync(new UpstreamSimOptions { Profile = SimProfile.SilentRegression, RegressionRate = 1 });
        var format = $$$""","response_format":{"type":"json_schema","json_schema":{"name":"weather","strict":true,"schema":{{{Schema}}}}}""";
        var invalid = 0;

        for (var i = 0; i < 60; i++)
        {
            var (_, content) = await sim.ChatAsync($"question {i}", format);
            var result = Evaluator.Evaluate(EvaluationInput.FromText(content) with { ResponseFormat = ResponseFormat.JsonSchema(Schema) });
            invalid += result.CountsAsJsonInvalid ? 1 : 0;
        }

        Assert.Equal(sim.Stats.Count(SimOutcome.InvalidJson), invalid);
        Assert.True(invalid > 0);
    }

    [Fact]
    public async Task RecordRequests_KeepsTheLatestBodiesByteForByte()
    {
        await using var sim = await Sim.StartAsync(new UpstreamSimOptions { RecordRequests = 2 });
        var bodies = new[]
        {
            Sim.ChatBody("one", extra: ""","seed": 7.0 ,"logprobs":true"""),
            Sim.ResponsesBody("two", ""","stream":true"""),
            Sim.ChatBody("three", extra: ""","tools":[{"type":"function","function":{"name":"f","parameters":{"b":1,"a":2}}}]"""),
        };

        using (var r = await sim.PostAsync("v1/chat/completions", bodies[0]))
        using (var s = await sim.PostAsync("v1/responses", bodies[1]))
        using (var t = await sim.PostAsync("v1/chat/completions", bodies[2]))
        {
            Assert.Equal((HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK), (r.StatusCode, s.StatusCode, t.StatusCode));
            await s.Content.ReadAsStringAsync(Ct);
        }

        var received = sim.Simulator.Received;
        Assert.Equal(["/v1/responses", "/v1/chat/completions"], received.Select(r => r.Path));
        Assert.Equal(bodies[1..], received.Select(r => r.BodyText));
    }

    [Fact]
    public async Task RecordRequests_Zero_KeepsNothing()
    {
        await using var sim = await Sim.StartAsync();

        var (status, _) = await sim.ChatAsync("one");

        Assert.Equal(200, status);
        Assert.Empty(sim.Simulator.Received);
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(10_001)]
    public void RecordRequests_OutOfRange_IsRejected(int count)
        => Assert.Contains(new UpstreamSimOptions { RecordRequests = count }.Validate(), e => e.StartsWith("RecordRequests must be between 0 and 10000", StringComparison.Ordinal));

    private static void AssertConforms(string json)
    {
        var result = Evaluator.Evaluate(EvaluationInput.FromText(json) with { ResponseFormat = ResponseFormat.JsonSchema(Schema) });
        Assert.False(result.CountsAsJsonInvalid, result.JsonDetail);
        Assert.False(result.JsonInvalid);
        Assert.False(result.SchemaInvalid);
    }
}
