using System.Net;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Switchback.Core.OnlineEvaluators;
using Switchback.Core.Routing;
using Switchback.Gateway.OnlineEvaluators;
using Switchback.Gateway.Tests.Hosting;
using Switchback.UpstreamSim;

namespace Switchback.Gateway.Tests.PassThrough;

/// <summary>
/// <c>response_format</c> (chat) and <c>text.format</c> (responses) reach the upstream unchanged, the simulator honours
/// them, and the JSON evaluators judge the answers against the schema the request carried, plain and streamed.
/// </summary>
public sealed class StructuredOutputTests
{
    private const string Schema = """{"type":"object","additionalProperties":false,"required":["city","temperature"],"properties":{"city":{"type":"string"},"temperature":{"type":"number","minimum":-50,"maximum":60}}}""";
    private const string ChatSchemaFormat = $$$""","response_format":{"type":"json_schema","json_schema":{"name":"weather","strict":true,"schema":{{{Schema}}}}}""";
    private const string ResponsesSchemaFormat = $$$""","text":{"format":{"type":"json_schema","name":"weather","strict":true,"schema":{{{Schema}}}}}""";

    private static readonly ResponseEvaluator Conformance = new(EvaluatorOptions.FromJson(new JsonObject()));

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(""","response_format":{"type":"json_object"}""", false)]
    [InlineData(ChatSchemaFormat, true)]
    public async Task Chat_ResponseFormat_ReachesUpstreamByteForByteAndTheAnswerHonoursIt(string format, bool schema)
    {
        await using var setup = await PassThroughSetup.StartAsync();
        var body = ToolCallTests.ChatBody("Weather in Paris?", format);

        using var response = await setup.PostAsync("/v1/chat/completions", body);
        var content = (string)JsonNode.Parse(await response.Content.ReadAsStringAsync(Ct))!["choices"]![0]!["message"]!["content"]!;

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        UpstreamAssert.ReceivedUnchanged(body, setup.LastReceived("/v1/chat/completions"), "response_format");
        AssertHonoured(content, schema);
    }

    [Theory]
    [InlineData(""","text":{"format":{"type":"json_object"},"verbosity":"low"}""", false)]
    [InlineData(ResponsesSchemaFormat, true)]
    public async Task Responses_TextFormat_ReachesUpstreamByteForByteAndTheAnswerHonoursIt(string format, bool schema)
    {
        await using var setup = await PassThroughSetup.StartAsync();
        var body = ToolCallTests.ResponsesBody("Weather in Paris?", format);

        using var response = await setup.PostAsync("/v1/responses", body);
        var content = (string)JsonNode.Parse(await response.Content.ReadAsStringAsync(Ct))!["output"]![0]!["content"]![0]!["text"]!;

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        UpstreamAssert.ReceivedUnchanged(body, setup.LastReceived("/v1/responses"), "text");
        AssertHonoured(content, schema);
    }

    [Theory]
    [InlineData(false, false)]
    [InlineData(false, true)]
    [InlineData(true, false)]
    [InlineData(true, true)]
    public async Task JsonSchemaAnswers_FromAHealthySimulator_AllCheckedNoneInvalid(bool responses, bool stream)
    {
        await using var setup = await PassThroughSetup.StartAsync(new JsonObject { ["evaluators"] = new JsonObject { ["sample_rate"] = 1.0 } });

        var counters = await SendSchemaRequestsAsync(setup, responses, stream, 10);

        Assert.Equal((10L, 10L, 0L), (counters[EvaluationCounters.ResponsesEvaluated], counters[EvaluationCounters.JsonChecked], counters[EvaluationCounters.JsonInvalid]));
    }

    [Theory]
    [InlineData(false, false)]
    [InlineData(false, true)]
    [InlineData(true, false)]
    [InlineData(true, true)]
    public async Task JsonSchemaAnswers_FromASilentlyRegressingSimulator_InvalidOnesCountedAsJsonInvalid(bool responses, bool stream)
    {
        await using var setup = await PassThroughSetup.StartAsync(new JsonObject { ["evaluators"] = new JsonObject { ["sample_rate"] = 1.0 } }, SimProfile.SilentRegression, regressionRate: 1);

        var counters = await SendSchemaRequestsAsync(setup, responses, stream, 30);

        // Every answer regresses; a fifth of them (seeded) break the JSON, the rest (wrong, refusing, unsafe) still conform.
        var broken = setup.Sim.Stats.Count(SimOutcome.InvalidJson);
        Assert.InRange(broken, 1, 29);
        Assert.Equal((30L, broken), (counters[EvaluationCounters.JsonChecked], counters[EvaluationCounters.JsonInvalid]));
    }

    [Theory]
    [InlineData(false, false)]
    [InlineData(false, true)]
    [InlineData(true, false)]
    [InlineData(true, true)]
    public async Task ValidJsonNotMatchingTheRequestSchema_CountsAsJsonInvalid_ButPassesAJsonObjectRequest(bool responses, bool stream)
    {
        // {"city": 5} is valid JSON and a JSON object, but city must be a string: only the schema can fail it.
        await using var upstream = await RecordingUpstream.StartAsync(c => Answer(c, responses, stream, """{"city":5,"temperature":20}"""));
        await using var host = await GatewayHost.StartAsync(seed: store => GatewayHost.RegisterAsync(store, "svc",
            GatewayHost.Bundle(upstream.BaseAddress, "m", new JsonObject { ["evaluators"] = new JsonObject { ["sample_rate"] = 1.0 } })));
        await host.SetRoutingAsync(new RoutingState("svc", 1));
        var streamField = stream ? ""","stream":true""" : "";
        var (path, withSchema, withObject) = responses
            ? ("/v1/responses", ToolCallTests.ResponsesBody("q", ResponsesSchemaFormat + streamField), ToolCallTests.ResponsesBody("q", ""","text":{"format":{"type":"json_object"}}""" + streamField))
            : ("/v1/chat/completions", ToolCallTests.ChatBody("q", ChatSchemaFormat + streamField), ToolCallTests.ChatBody("q", ""","response_format":{"type":"json_object"}""" + streamField));

        foreach (var body in new[] { withSchema, withObject })
        {
            using var response = await host.Client.PostAsync(path, new StringContent(body, System.Text.Encoding.UTF8, "application/json"), Ct);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Contains("city", await response.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        }

        await host.Services.GetRequiredService<EvaluationQueue>().WaitForCompletedAsync(2, Ct);
        var counters = host.Signals.Get("svc", 1).AggregateLast(TimeSpan.FromMinutes(1)).Counters;
        Assert.Equal((2L, 2L, 1L), (counters[EvaluationCounters.ResponsesEvaluated], counters[EvaluationCounters.JsonChecked], counters[EvaluationCounters.JsonInvalid]));
    }

    [Theory]
    [InlineData(false, false)]
    [InlineData(false, true)]
    [InlineData(true, false)]
    [InlineData(true, true)]
    public async Task ToolCallAnswers_AreNotJudgedAsEmptyText(bool responses, bool stream)
    {
        await using var setup = await PassThroughSetup.StartAsync(new JsonObject { ["evaluators"] = new JsonObject { ["sample_rate"] = 1.0 } });
        var streamField = stream ? ""","stream":true""" : "";
        var (path, body) = responses
            ? ("/v1/responses", ToolCallTests.ResponsesBody("find order 42", ""","tools":[{"type":"function","name":"lookup"}],"tool_choice":"required" """ + streamField))
            : ("/v1/chat/completions", ToolCallTests.ChatBody("find order 42", ""","tools":[{"type":"function","function":{"name":"lookup"}}],"tool_choice":"required" """ + streamField));

        using var response = await setup.PostAsync(path, body);
        Assert.Contains("lookup", await response.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);

        await setup.Host.Services.GetRequiredService<EvaluationQueue>().WaitForCompletedAsync(1, Ct);
        var counters = setup.Host.Signals.Get("svc", 1).AggregateLast(TimeSpan.FromMinutes(1)).Counters;
        Assert.Equal((0L, 0L, 1L), (counters[EvaluationCounters.ResponsesEvaluated], counters[EvaluationCounters.Empty], counters[EvaluationCounters.EvaluatorSkipped]));
    }

    private static async Task<IReadOnlyDictionary<string, long>> SendSchemaRequestsAsync(PassThroughSetup setup, bool responses, bool stream, int count)
    {
        var streamField = stream ? ""","stream":true""" : "";
        for (var i = 0; i < count; i++)
        {
            using var response = responses
                ? await setup.PostAsync("/v1/responses", ToolCallTests.ResponsesBody($"Weather in city {i}?", ResponsesSchemaFormat + streamField))
                : await setup.PostAsync("/v1/chat/completions", ToolCallTests.ChatBody($"Weather in city {i}?", ChatSchemaFormat + streamField));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            await response.Content.ReadAsStringAsync(Ct);
        }

        await setup.Host.Services.GetRequiredService<EvaluationQueue>().WaitForCompletedAsync(count, Ct);
        return setup.Host.Signals.Get("svc", 1).AggregateLast(TimeSpan.FromMinutes(1)).Counters;
    }

    private static void AssertHonoured(string content, bool schema)
    {
        var result = Conformance.Evaluate(EvaluationInput.FromText(content) with { ResponseFormat = schema ? ResponseFormat.JsonSchema(Schema) : ResponseFormat.JsonObject });
        Assert.False(result.CountsAsJsonInvalid, result.JsonDetail);
        Assert.Equal(schema, JsonNode.Parse(content)!["city"] is not null);
    }

    private static async Task Answer(HttpContext context, bool responses, bool stream, string text)
    {
        var encoded = JsonValue.Create(text).ToJsonString();
        if (!stream)
        {
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync(responses
                ? """{"id":"resp_x","object":"response","status":"completed","output":[{"type":"message","role":"assistant","content":[{"type":"output_text","text":""" + encoded + """}]}],"usage":{"input_tokens":1,"output_tokens":2}}"""
                : """{"id":"c","object":"chat.completion","choices":[{"index":0,"message":{"role":"assistant","content":""" + encoded + """},"finish_reason":"stop"}]}""");
            return;
        }

        context.Response.ContentType = "text/event-stream";
        await context.Response.WriteAsync(responses
            ? "event: response.output_text.delta\ndata: {\"type\":\"response.output_text.delta\",\"sequence_number\":0,\"delta\":" + encoded + "}\n\n"
                + "event: response.completed\ndata: " + """{"type":"response.completed","sequence_number":1,"response":{"id":"resp_x","object":"response","status":"completed","usage":{"input_tokens":1,"output_tokens":2}}}""" + "\n\n"
            : "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":" + encoded + "}}]}\n\n"
                + "data: {\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}\n\ndata: [DONE]\n\n");
    }
}
