using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Switchback.Core.Access;
using Switchback.Core.Routing;
using Switchback.Gateway.OnlineEvaluators;
using Switchback.Gateway.Shadow;
using Switchback.Gateway.Signals;
using Switchback.Gateway.Tests.Hosting;
using Switchback.UpstreamSim;

namespace Switchback.Gateway.Tests.Responses;

/// <summary><c>POST /v1/responses</c> end to end through a real gateway to real simulators (or a recording upstream).</summary>
public sealed class ResponsesApiTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static Task<UpstreamSimulator> SimAsync(SimProfile profile = SimProfile.Healthy, DownMode down = DownMode.Hang, int seed = 1) =>
        UpstreamSimulator.StartAsync(new UpstreamSimOptions { Listen = "http://127.0.0.1:0", LatencyMs = 0, Profile = profile, DownMode = down, Seed = seed }, ct: Ct);

    internal static HttpRequestMessage Responses(string model, string input = "hello", string extra = "", string? stickyKey = null, string? bearer = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/v1/responses")
        {
            Content = new StringContent($$"""{"model":{{JsonValue.Create(model).ToJsonString()}},"input":{{JsonValue.Create(input).ToJsonString()}}{{extra}}}""", Encoding.UTF8, "application/json"),
        };
        if (stickyKey is not null)
        {
            request.Headers.Add("x-switchback-key", stickyKey);
        }

        if (bearer is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        }

        return request;
    }

    private static async Task<JsonObject> JsonAsync(HttpResponseMessage response) =>
        JsonNode.Parse(await response.Content.ReadAsStringAsync(Ct))!.AsObject();

    private static string OutputText(JsonObject response) => (string)response["output"]![0]!["content"]![0]!["text"]!;

    [Fact]
    public async Task Responses_BundleApplied_InstructionsMergedDefaultsFilledModelCredentialAndPinsSent()
    {
        Environment.SetEnvironmentVariable("SB_GATEWAY_TEST_RESPONSES_KEY", "upstream-secret");
        await using var upstream = await RecordingUpstream.StartAsync();
        await using var host = await GatewayHost.StartAsync(seed: store => GatewayHost.RegisterAsync(store, "svc", GatewayHost.Bundle(upstream.BaseAddress, "llama-up", new JsonObject
        {
            ["model"] = new JsonObject
            {
                ["provider"] = "openai", ["endpoint"] = new Uri(upstream.BaseAddress, "v1").ToString(), ["name"] = "llama-up", ["api_key_env"] = "SB_GATEWAY_TEST_RESPONSES_KEY",
            },
            ["prompt"] = new JsonObject { ["system"] = "You are {{ company }}'s assistant for {{ customer }}.", ["variables"] = new JsonObject { ["company"] = "Acme" } },
            ["retrieval"] = new JsonObject { ["index"] = "kb", ["version"] = "7" },
            ["tokenizer"] = new JsonObject { ["name"] = "llama3", ["version"] = "1" },
            ["serving"] = new JsonObject { ["temperature"] = 0.2, ["top_p"] = 0.9, ["max_tokens"] = 512, ["seed"] = 7, ["stop"] = "END" },
        })));
        using var request = Responses("svc", extra: ""","instructions":"client rules","top_p":0.5,"switchback":{"variables":{"customer":"Bob"}}""");

        using var response = await host.Client.SendAsync(request, Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var seen = Assert.Single(upstream.Requests);
        Assert.Equal("/v1/responses", seen.PathAndQuery);
        var body = JsonNode.Parse(seen.Body)!.AsObject();
        Assert.Equal("llama-up", (string?)body["model"]);
        Assert.Equal("You are Acme's assistant for Bob.\n\nclient rules", (string?)body["instructions"]);
        Assert.Equal(0.2, (double)body["temperature"]!);
        Assert.Equal(0.5, (double)body["top_p"]!);
        Assert.Equal(512, (int)body["max_output_tokens"]!);
        Assert.False(body.ContainsKey("max_tokens"));
        Assert.False(body.ContainsKey("seed"));
        Assert.False(body.ContainsKey("stop"));
        Assert.False(body.ContainsKey("switchback"));
        Assert.Equal("hello", (string?)body["input"]);
        Assert.Equal("Bearer upstream-secret", seen.Headers["authorization"]);
        Assert.Equal("kb@7", seen.Headers["x-switchback-retrieval"]);
        Assert.Equal("llama3@1", seen.Headers["x-switchback-tokenizer"]);
    }

    [Fact]
    public async Task Responses_ClientSetMaxOutputTokensAndNoInstructions_ClientValueKeptAndInstructionsAreTheBundles()
    {
        await using var sim = await SimAsync();
        await using var host = await GatewayHost.StartAsync(seed: store => GatewayHost.RegisterAsync(store, "svc", GatewayHost.Bundle(sim.BaseAddress, "up", new JsonObject
        {
            ["prompt"] = new JsonObject { ["system"] = "Be brief." },
            ["serving"] = new JsonObject { ["max_tokens"] = 512 },
        })));

        using var response = await host.Client.SendAsync(Responses("svc", "Tell me a long story", ""","max_output_tokens":3"""), Ct);
        var body = await JsonAsync(response);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Be brief.", (string?)body["sim"]!["instructions"]);
        Assert.Equal(3, (int)body["sim"]!["max_output_tokens"]!);
        Assert.Equal("up", (string?)body["sim"]!["model"]);
        Assert.Equal("Answer to: Tell", OutputText(body));
        Assert.Equal("1", response.Headers.GetValues("x-switchback-version").Single());
        Assert.Equal("svc", response.Headers.GetValues("x-switchback-deployment").Single());
        Assert.StartsWith("req_", response.Headers.GetValues("x-switchback-request-id").Single());
    }

    [Fact]
    public async Task Responses_Plain_UsageFeedsTheTokenSignals()
    {
        await using var sim = await SimAsync();
        await using var host = await GatewayHost.StartAsync(seed: store => GatewayHost.RegisterAsync(store, "svc", GatewayHost.Bundle(sim.BaseAddress)));
        long tokensIn = 0, tokensOut = 0;

        for (var i = 0; i < 5; i++)
        {
            using var response = await host.Client.SendAsync(Responses("svc", $"question {i} about refunds"), Ct);
            var usage = (await JsonAsync(response))["usage"]!;
            tokensIn += (long)usage["input_tokens"]!;
            tokensOut += (long)usage["output_tokens"]!;
        }

        var signals = host.Signals.Get("svc", 1).AggregateLast(TimeSpan.FromMinutes(1));
        Assert.Equal((5L, 0L, 20L), (signals.Requests, signals.Errors.Total, tokensIn));
        Assert.Equal((tokensIn, tokensOut), (signals.TokensIn, signals.TokensOut));
        Assert.True(tokensOut > 5 * 6);
    }

    [Fact]
    public async Task Responses_Stream_PassedThroughEventByEventAndUsageFromCompletedEvent()
    {
        await using var sim = await SimAsync();
        await using var host = await GatewayHost.StartAsync(seed: store => GatewayHost.RegisterAsync(store, "svc", GatewayHost.Bundle(sim.BaseAddress)));
        using var plain = await host.Client.SendAsync(Responses("svc", "Stream this answer"), Ct);
        var expected = OutputText(await JsonAsync(plain));

        using var response = await host.Client.SendAsync(Responses("svc", "Stream this answer", ""","stream":true"""), Ct);
        var text = await response.Content.ReadAsStringAsync(Ct);

        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        var events = text.Split("\n\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("event: response.created\n", events[0]);
        Assert.StartsWith("event: response.completed\n", events[^1]);
        var deltas = events.Where(e => e.StartsWith("event: response.output_text.delta\n", StringComparison.Ordinal))
            .Select(e => (string)JsonNode.Parse(e[(e.IndexOf("data: ", StringComparison.Ordinal) + 6)..])!["delta"]!);
        Assert.Equal(expected, string.Concat(deltas));
        var completed = JsonNode.Parse(events[^1][(events[^1].IndexOf("data: ", StringComparison.Ordinal) + 6)..])!["response"]!["usage"]!;
        var signals = host.Signals.Get("svc", 1).AggregateLast(TimeSpan.FromMinutes(1));
        Assert.Equal(2, signals.Requests);
        Assert.Equal(2 * (long)completed["input_tokens"]!, signals.TokensIn);
        Assert.Equal(2 * (long)completed["output_tokens"]!, signals.TokensOut);
    }

    [Fact]
    public async Task Responses_StreamWhoseCompletedEventOutgrowsTheObservedTail_UsageStillCounted()
    {
        // 20 KB of text repeated in response.completed: the event starts before the last 8 KiB the gateway keeps.
        var words = string.Join(' ', Enumerable.Repeat("lorem", 4000));
        await using var upstream = await RecordingUpstream.StartAsync(async c =>
        {
            c.Response.ContentType = "text/event-stream";
            await c.Response.WriteAsync("event: response.created\ndata: {\"type\":\"response.created\",\"sequence_number\":0,\"response\":{\"id\":\"resp_long\",\"object\":\"response\",\"usage\":null}}\n\n", Ct);
            await c.Response.WriteAsync($"event: response.output_text.delta\ndata: {{\"type\":\"response.output_text.delta\",\"sequence_number\":1,\"delta\":\"{words}\"}}\n\n", Ct);
            await c.Response.WriteAsync($"event: response.completed\ndata: {{\"type\":\"response.completed\",\"sequence_number\":2,\"response\":{{\"id\":\"resp_long\",\"object\":\"response\",\"status\":\"completed\",\"output\":[{{\"type\":\"message\",\"role\":\"assistant\",\"content\":[{{\"type\":\"output_text\",\"text\":\"{words}\"}}]}}],\"usage\":{{\"input_tokens\":11,\"output_tokens\":4000,\"total_tokens\":4011}}}}}}\n\n", Ct);
        });
        await using var host = await GatewayHost.StartAsync(seed: store => GatewayHost.RegisterAsync(store, "svc", GatewayHost.Bundle(upstream.BaseAddress)));

        using var response = await host.Client.SendAsync(Responses("svc", extra: ""","stream":true"""), Ct);
        var text = await response.Content.ReadAsStringAsync(Ct);

        Assert.True(text.Length > 40_000);
        var signals = host.Signals.Get("svc", 1).AggregateLast(TimeSpan.FromMinutes(1));
        Assert.Equal((11L, 4000L), (signals.TokensIn, signals.TokensOut));
    }

    [Theory]
    [InlineData("""{"model":"svc"}""", "invalid_input")]
    [InlineData("""{"model":"svc","input":42}""", "invalid_input")]
    [InlineData("""{"model":"svc","input":"x","input":"y"}""", "invalid_json")]
    [InlineData("""{"model":7,"input":"x"}""", "invalid_model")]
    [InlineData("""{"input":"x"}""", "invalid_model")]
    [InlineData("""{"model":"svc","input":""", "invalid_json")]
    [InlineData("""{"model":"svc","input":"x","instructions":["a"]}""", "invalid_instructions")]
    public async Task Responses_MalformedRequest_Is400WithOpenAiErrorAndNothingSent(string body, string code)
    {
        await using var upstream = await RecordingUpstream.StartAsync();
        await using var host = await GatewayHost.StartAsync(seed: store => GatewayHost.RegisterAsync(store, "svc",
            GatewayHost.Bundle(upstream.BaseAddress, "m", new JsonObject { ["prompt"] = new JsonObject { ["system"] = "Be brief." } })));

        using var response = await host.Client.PostAsync("/v1/responses", new StringContent(body, Encoding.UTF8, "application/json"), Ct);
        var error = (await JsonAsync(response))["error"]!;

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(code, (string?)error["code"]);
        Assert.Equal("invalid_request_error", (string?)error["type"]);
        Assert.Empty(upstream.Requests);
    }

    [Fact]
    public async Task Responses_UnknownDeployment_Is404()
    {
        await using var host = await GatewayHost.StartAsync();

        using var response = await host.Client.SendAsync(Responses("nope"), Ct);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("model_not_found", (string?)(await JsonAsync(response))["error"]!["code"]);
    }

    [Fact]
    public async Task Responses_PinWithOperatorKey_ServesPinnedVersionAndViewerIsForbidden()
    {
        await using var stable = await SimAsync();
        await using var candidate = await SimAsync();
        await using var host = await GatewayHost.StartAsync(seed: GatewayHost.StableAndCandidate(stable.BaseAddress, candidate.BaseAddress));
        var operatorKey = await host.CreateKeyAsync(Role.Operator);
        var viewerKey = await host.CreateKeyAsync(Role.Viewer);

        using var pinned = await host.Client.SendAsync(Responses("svc@2", bearer: operatorKey), Ct);
        using var forbidden = await host.Client.SendAsync(Responses("svc@2", bearer: viewerKey), Ct);

        Assert.Equal(HttpStatusCode.OK, pinned.StatusCode);
        Assert.Equal("2", pinned.Headers.GetValues("x-switchback-version").Single());
        Assert.Equal("c", (string?)(await JsonAsync(pinned))["model"]);
        Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);
        Assert.Equal(1, candidate.Stats.RequestsTo(SimEndpoint.Responses));
        Assert.Equal(0, stable.Stats.Requests);
    }

    [Fact]
    public async Task Responses_SameStickyKey_AlwaysGetsTheSameVersion()
    {
        await using var stable = await SimAsync();
        await using var candidate = await SimAsync();
        await using var host = await GatewayHost.StartAsync(seed: GatewayHost.StableAndCandidate(stable.BaseAddress, candidate.BaseAddress));
        await host.SetRoutingAsync(new RoutingState("svc", 1, 2, 5_000));
        var versions = new Dictionary<string, HashSet<string>>();

        for (var i = 0; i < 40; i++)
        {
            var key = $"user-{i % 8}";
            using var response = await host.Client.SendAsync(Responses("svc", stickyKey: key), Ct);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            (versions.TryGetValue(key, out var seen) ? seen : versions[key] = []).Add(response.Headers.GetValues("x-switchback-version").Single());
        }

        Assert.All(versions.Values, v => Assert.Single(v));
        Assert.Equal(2, versions.Values.Select(v => v.Single()).Distinct().Count());
        Assert.Equal(40, stable.Stats.RequestsTo(SimEndpoint.Responses) + candidate.Stats.RequestsTo(SimEndpoint.Responses));
    }

    [Fact]
    public async Task Responses_CandidateRefusesConnections_ClientGetsStableAndCandidateCountsTheError()
    {
        await using var stable = await SimAsync();
        await using var down = await SimAsync(SimProfile.Down, DownMode.Refuse);
        await using var host = await GatewayHost.StartAsync(seed: async store =>
        {
            await GatewayHost.RegisterAsync(store, "svc", GatewayHost.Bundle(stable.BaseAddress, "s"));
            await GatewayHost.RegisterAsync(store, "svc", GatewayHost.Bundle(down.BaseAddress, "c"));
        });
        await host.SetRoutingAsync(new RoutingState("svc", 1, 2, 10_000));

        using var response = await host.Client.SendAsync(Responses("svc", stickyKey: "k"), Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("1", response.Headers.GetValues("x-switchback-version").Single());
        Assert.Equal("s", (string?)(await JsonAsync(response))["model"]);
        Assert.Equal(1, host.Signals.Get("svc", 2).AggregateLast(TimeSpan.FromMinutes(1)).Errors.Connect);
        Assert.Equal(1, host.Signals.Get("svc", 1).AggregateLast(TimeSpan.FromMinutes(1)).Requests);
    }

    [Fact]
    public async Task Responses_CandidateOutOfMemory_FailsOverAndCountsOom()
    {
        await using var stable = await SimAsync();
        await using var oom = await UpstreamSimulator.StartAsync(new UpstreamSimOptions { Listen = "http://127.0.0.1:0", LatencyMs = 0, Profile = SimProfile.Oom, OomRate = 1 }, ct: Ct);
        await using var host = await GatewayHost.StartAsync(seed: async store =>
        {
            await GatewayHost.RegisterAsync(store, "svc", GatewayHost.Bundle(stable.BaseAddress, "s"));
            await GatewayHost.RegisterAsync(store, "svc", GatewayHost.Bundle(oom.BaseAddress, "c"));
        });
        await host.SetRoutingAsync(new RoutingState("svc", 1, 2, 10_000));

        using var response = await host.Client.SendAsync(Responses("svc", stickyKey: "k", extra: ""","stream":true"""), Ct);
        var text = await response.Content.ReadAsStringAsync(Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("1", response.Headers.GetValues("x-switchback-version").Single());
        Assert.Contains("event: response.completed", text, StringComparison.Ordinal);
        Assert.Equal(1, host.Signals.Get("svc", 2).AggregateLast(TimeSpan.FromMinutes(1)).Errors.Oom);
    }

    [Fact]
    public async Task Responses_Feedback_AttributedToTheVersionThatServedIt()
    {
        await using var sim = await SimAsync();
        await using var host = await GatewayHost.StartAsync(seed: async store =>
        {
            await GatewayHost.RegisterAsync(store, "svc", GatewayHost.Bundle(sim.BaseAddress, "a"));
            await GatewayHost.RegisterAsync(store, "svc", GatewayHost.Bundle(sim.BaseAddress, "b"));
        });
        await host.SetRoutingAsync(new RoutingState("svc", 1, 2, 10_000));
        using var served = await host.Client.SendAsync(Responses("svc", stickyKey: "k"), Ct);
        var id = served.Headers.GetValues("x-switchback-request-id").Single();

        using var feedback = await host.Client.PostAsync("/v1/feedback",
            new StringContent($$"""{"request_id":"{{id}}","score":-1}""", Encoding.UTF8, "application/json"), Ct);

        Assert.Equal(HttpStatusCode.OK, feedback.StatusCode);
        Assert.Equal(1, host.Signals.Get("svc", 2).AggregateLast(TimeSpan.FromMinutes(1)).Feedback.ThumbsDown);
    }

    [Fact]
    public async Task Responses_Evaluators_ReadOutputTextOfPlainAndStreamedAnswers()
    {
        await using var sim = await UpstreamSimulator.StartAsync(
            new UpstreamSimOptions { Listen = "http://127.0.0.1:0", LatencyMs = 0, Profile = SimProfile.SilentRegression, RegressionRate = 1, Seed = 3 }, ct: Ct);
        await using var host = await GatewayHost.StartAsync(seed: store => GatewayHost.RegisterAsync(store, "svc",
            GatewayHost.Bundle(sim.BaseAddress, "m", new JsonObject { ["evaluators"] = new JsonObject { ["sample_rate"] = 1.0 } })));
        var expectedRefusals = 0;
        var expectedUnsafe = 0;
        long lengthSum = 0;

        for (var i = 0; i < 12; i++)
        {
            using var response = await host.Client.SendAsync(Responses("svc", $"question {i}", i % 2 == 0 ? "" : ""","stream":true"""), Ct);
            var body = await response.Content.ReadAsStringAsync(Ct);
            var text = i % 2 == 0
                ? OutputText(JsonNode.Parse(body)!.AsObject())
                : (string)JsonNode.Parse(body.Split("\n\n", StringSplitOptions.RemoveEmptyEntries)
                    .Single(e => e.StartsWith("event: response.output_text.done\n", StringComparison.Ordinal)).Split("data: ")[1])!["text"]!;
            expectedRefusals += text == "I'm sorry, I can't help with that." ? 1 : 0;
            expectedUnsafe += text.Contains('@', StringComparison.Ordinal) || text.Contains("card on file", StringComparison.Ordinal) ? 1 : 0;
            lengthSum += text.Length;
        }

        await host.Services.GetRequiredService<EvaluationQueue>().WaitForCompletedAsync(12, Ct);
        var counters = host.Signals.Get("svc", 1).AggregateLast(TimeSpan.FromMinutes(1)).Counters;
        Assert.Equal(12, counters[EvaluationCounters.ResponsesEvaluated]);
        Assert.True(expectedRefusals > 0 && expectedUnsafe > 0, "the seeded regression gave refusals and unsafe answers");
        Assert.Equal(expectedRefusals, counters[EvaluationCounters.Refusals]);
        Assert.Equal(expectedUnsafe, counters[EvaluationCounters.SafetyViolations]);
        Assert.Equal(lengthSum, counters[EvaluationCounters.ResponseLengthSum]);
    }

    [Fact]
    public async Task Responses_IdenticalShadow_ComparedWithAgreementOne()
    {
        await using var stable = await SimAsync(seed: 7);
        await using var twin = await SimAsync(seed: 7);
        await using var host = await GatewayHost.StartAsync(seed: async store =>
        {
            await GatewayHost.RegisterAsync(store, "svc", GatewayHost.Bundle(stable.BaseAddress, "m"));
            await GatewayHost.RegisterAsync(store, "svc", GatewayHost.Bundle(twin.BaseAddress, "m"));
        });
        await host.SetRoutingAsync(new RoutingState("svc", 1, ShadowVersion: 2, ShadowSampleBps: RoutingState.FullBps));

        for (var i = 0; i < 10; i++)
        {
            using var response = await host.Client.SendAsync(Responses("svc", $"question number {i}", stickyKey: $"k{i}"), Ct);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        await host.Services.GetRequiredService<ShadowQueue>().WaitForCompletedAsync(10, Ct);
        var shadow = host.Signals.Get("svc", 2).AggregateLast(TimeSpan.FromMinutes(1));
        Assert.Equal(10, shadow.Counters[GatewayCounters.ShadowCompared]);
        Assert.Equal(10, shadow.Counters[GatewayCounters.ShadowRequests]);
        Assert.Equal(10_000_000, shadow.Counters[GatewayCounters.ShadowAgreementMicros]);
        Assert.Equal(10, shadow.Counters[GatewayCounters.ShadowExactMatch]);
        Assert.Equal(10, twin.Stats.RequestsTo(SimEndpoint.Responses));
        Assert.True(shadow.TokensOut > 0, "the shadow's usage is counted");
    }
}
