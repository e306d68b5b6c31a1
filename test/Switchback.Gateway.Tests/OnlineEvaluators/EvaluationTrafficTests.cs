using System.Collections.Concurrent;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Switchback.Core.Routing;
using Switchback.Gateway.Bundles;
using Switchback.Gateway.OnlineEvaluators;
using Switchback.Gateway.Signals;
using Switchback.Gateway.Tests.Hosting;
using Switchback.UpstreamSim;

namespace Switchback.Gateway.Tests.OnlineEvaluators;

public sealed class EvaluationTrafficTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Chat_BundleWithEvaluators_CountsEachQualitySignalOnTheServingVersion()
    {
        var answers = new ConcurrentQueue<string>(["Contact jane.doe@example.com for help.", "I'm sorry, I can't help with that.", "{\"answer\": 4", "{\"answer\": 4}", "   ", "A fine answer."]);
        await using var upstream = await RecordingUpstream.StartAsync(c => Json(c, answers.TryDequeue(out var a) ? a : "?"));
        await using var host = await StartAsync(upstream, Evaluators());

        foreach (var json in new[] { false, false, true, true, false, false })
        {
            using var response = await host.Client.SendAsync(Chat(json), Ct);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        await host.Services.GetRequiredService<EvaluationQueue>().WaitForCompletedAsync(6, Ct);
        var counters = host.Signals.Get("svc", 1).AggregateLast(TimeSpan.FromMinutes(1)).Counters;
        Assert.Equal(6, counters[EvaluationCounters.ResponsesEvaluated]);
        Assert.Equal(1, counters[EvaluationCounters.SafetyViolations]);
        Assert.Equal(1, counters[EvaluationCounters.Refusals]);
        Assert.Equal((2L, 1L), (counters[EvaluationCounters.JsonChecked], counters[EvaluationCounters.JsonInvalid]));
        Assert.Equal(1, counters[EvaluationCounters.Empty]);
        Assert.Equal(38 + 34 + 12 + 13 + 3 + 14, counters[EvaluationCounters.ResponseLengthSum]);
        var lengths = host.Services.GetRequiredService<ResponseLengthSignals>().Registry.Get("svc", 1).AggregateLast(TimeSpan.FromMinutes(1));
        Assert.Equal(6, lengths.LatencySketch.Count);
    }

    [Fact]
    public async Task Chat_StreamedRefusal_EvaluatedOnTheAssembledText()
    {
        await using var upstream = await RecordingUpstream.StartAsync(async c =>
        {
            c.Response.ContentType = "text/event-stream";
            foreach (var part in new[] { "I'm sorry, ", "I can't ", "help with that." })
            {
                await c.Response.WriteAsync($"data: {new JsonObject { ["choices"] = new JsonArray(new JsonObject { ["delta"] = new JsonObject { ["content"] = part } }) }.ToJsonString()}\n\n");
                await c.Response.Body.FlushAsync();
            }

            await c.Response.WriteAsync("data: {\"choices\":[{\"delta\":{},\"finish_reason\":\"stop\"}]}\n\ndata: [DONE]\n\n");
        });
        await using var host = await StartAsync(upstream, Evaluators());

        using var response = await host.Client.SendAsync(Chat(json: false), Ct);
        var body = await response.Content.ReadAsStringAsync(Ct);

        Assert.Contains("help with that.", body, StringComparison.Ordinal);
        await host.Services.GetRequiredService<EvaluationQueue>().WaitForCompletedAsync(1, Ct);
        var counters = host.Signals.Get("svc", 1).AggregateLast(TimeSpan.FromMinutes(1)).Counters;
        Assert.Equal((1L, 1L, 34L), (counters[EvaluationCounters.ResponsesEvaluated], counters[EvaluationCounters.Refusals], counters[EvaluationCounters.ResponseLengthSum]));
    }

    [Fact]
    public async Task Completions_BundleWithEvaluators_EvaluatesTheCompletionTextPlainAndStreamedOnTheServingVersion()
    {
        var answers = new ConcurrentQueue<(string Text, string Finish)>([("I'm sorry, I can't help with that.", "stop"), ("   ", "stop"), ("A fine answer cut", "length")]);
        await using var upstream = await RecordingUpstream.StartAsync(async c =>
        {
            // The three plain answers first, then the streamed one.
            if (answers.TryDequeue(out var answer))
            {
                var (text, finish) = answer;
                c.Response.ContentType = "application/json";
                await c.Response.WriteAsync(new JsonObject
                {
                    ["object"] = "text_completion",
                    ["choices"] = new JsonArray(new JsonObject { ["index"] = 0, ["text"] = text, ["finish_reason"] = finish }),
                }.ToJsonString());
                return;
            }

            c.Response.ContentType = "text/event-stream";
            foreach (var part in new[] { "I'm sorry, ", "I can't ", "help with that." })
            {
                await c.Response.WriteAsync($"data: {new JsonObject { ["choices"] = new JsonArray(new JsonObject { ["index"] = 0, ["text"] = part }) }.ToJsonString()}\n\n");
                await c.Response.Body.FlushAsync();
            }

            await c.Response.WriteAsync("data: {\"choices\":[{\"index\":0,\"text\":\"\",\"finish_reason\":\"stop\"}]}\n\ndata: [DONE]\n\n");
        });
        await using var host = await StartAsync(upstream, Evaluators());

        for (var i = 0; i < 3; i++)
        {
            using var response = await host.Client.SendAsync(GatewayHost.Inference(GatewayHost.CompletionsPath, "svc"), Ct);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        using (var streamed = await host.Client.PostAsync(
            GatewayHost.CompletionsPath, new StringContent("""{"model":"svc","prompt":"q","stream":true}""", Encoding.UTF8, "application/json"), Ct))
        {
            Assert.Contains("help with that.", await streamed.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        }

        await host.Services.GetRequiredService<EvaluationQueue>().WaitForCompletedAsync(4, Ct);
        var counters = host.Signals.Get("svc", 1).AggregateLast(TimeSpan.FromMinutes(1)).Counters;
        Assert.Equal(4, counters[EvaluationCounters.ResponsesEvaluated]);
        Assert.Equal(2, counters[EvaluationCounters.Refusals]);
        Assert.Equal(1, counters[EvaluationCounters.Empty]);
        Assert.Equal(0, counters[EvaluationCounters.EvaluatorSkipped]);
        Assert.Equal(34 + 3 + 17 + 34, counters[EvaluationCounters.ResponseLengthSum]);
        Assert.All(upstream.Requests, r => Assert.StartsWith(GatewayHost.CompletionsPath, r.PathAndQuery, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Embeddings_BundleWithEvaluators_SampledAnswerCountsAsEvaluatorSkipped()
    {
        await using var sim = await UpstreamSimulator.StartAsync(new UpstreamSimOptions { Listen = "http://127.0.0.1:0", LatencyMs = 0 }, ct: Ct);
        await using var host = await StartAsync(sim.BaseAddress, Evaluators());

        for (var i = 0; i < 3; i++)
        {
            using var response = await host.Client.SendAsync(GatewayHost.Inference(GatewayHost.EmbeddingsPath, "svc", content: $"text {i}"), Ct);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("list", (string?)JsonNode.Parse(await response.Content.ReadAsStringAsync(Ct))!["object"]);
        }

        await host.Services.GetRequiredService<EvaluationQueue>().WaitForCompletedAsync(3, Ct);
        var counters = host.Signals.Get("svc", 1).AggregateLast(TimeSpan.FromMinutes(1)).Counters;
        Assert.Equal((3L, 0L, 0L, 0L), (counters[EvaluationCounters.EvaluatorSkipped], counters[EvaluationCounters.ResponsesEvaluated], counters[EvaluationCounters.Empty], counters[EvaluationCounters.ResponseLengthSum]));
        Assert.Equal(3, sim.Stats.RequestsTo(SimEndpoint.Embeddings));
    }

    [Fact]
    public async Task Chat_BundleWithoutEvaluators_NothingQueuedAndDefaultCapture()
    {
        await using var upstream = await RecordingUpstream.StartAsync(c => Json(c, "I'm sorry, I can't help with that."));
        await using var host = await StartAsync(upstream, evaluators: null);

        using var response = await host.Client.SendAsync(Chat(json: false), Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var queue = host.Services.GetRequiredService<EvaluationQueue>();
        Assert.False(queue.Reader.TryPeek(out _));
        Assert.Equal(0, queue.Completed);
        Assert.True(host.Services.GetRequiredService<BundleCache>().TryGet("svc", 1, out var bundle));
        Assert.Null(bundle.Evaluator);
        Assert.Equal(0, host.Signals.Get("svc", 1).AggregateLast(TimeSpan.FromMinutes(1)).Counters[EvaluationCounters.ResponsesEvaluated]);
    }

    [Fact]
    public async Task Chat_SampleRateZero_NothingEvaluated()
    {
        await using var upstream = await RecordingUpstream.StartAsync(c => Json(c, "I'm sorry, I can't help with that."));
        await using var host = await StartAsync(upstream, new JsonObject { ["sample_rate"] = 0 });

        for (var i = 0; i < 5; i++)
        {
            using var response = await host.Client.SendAsync(Chat(json: false), Ct);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        Assert.Equal(0, host.Services.GetRequiredService<EvaluationQueue>().Completed);
        Assert.Equal(0, host.Signals.Get("svc", 1).AggregateLast(TimeSpan.FromMinutes(1)).Counters[EvaluationCounters.ResponsesEvaluated]);
    }

    [Fact]
    public async Task Chat_AnswerLargerThanCaptureLimit_ClientGetsAllAndResponseCountedAsSkipped()
    {
        var big = new string('a', 1_200_000);
        await using var upstream = await RecordingUpstream.StartAsync(c => Json(c, big));
        await using var host = await StartAsync(upstream, Evaluators());

        using var response = await host.Client.SendAsync(Chat(json: false), Ct);
        var body = await response.Content.ReadAsStringAsync(Ct);

        Assert.Equal(big, (string?)JsonNode.Parse(body)!["choices"]![0]!["message"]!["content"]);
        await host.Services.GetRequiredService<EvaluationQueue>().WaitForCompletedAsync(1, Ct);
        var counters = host.Signals.Get("svc", 1).AggregateLast(TimeSpan.FromMinutes(1)).Counters;
        Assert.Equal((0L, 1L), (counters[EvaluationCounters.ResponsesEvaluated], counters[EvaluationCounters.EvaluatorSkipped]));
    }

    [Fact]
    public async Task BundleReader_InvalidStoredEvaluators_ServedWithoutEvaluationAndReasonKept()
    {
        await using var upstream = await RecordingUpstream.StartAsync();
        await using var host = await StartAsync(upstream, new JsonObject { ["sample_rat"] = 1 });

        using var response = await host.Client.SendAsync(Chat(json: false), Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(host.Services.GetRequiredService<BundleCache>().TryGet("svc", 1, out var bundle));
        Assert.Null(bundle.Evaluator);
        Assert.Contains("evaluators.sample_rat", bundle.EvaluatorError, StringComparison.Ordinal);
    }

    private static JsonObject Evaluators() => new() { ["sample_rate"] = 1.0 };

    private static Task<GatewayHost> StartAsync(RecordingUpstream upstream, JsonObject? evaluators) => StartAsync(upstream.BaseAddress, evaluators);

    private static async Task<GatewayHost> StartAsync(Uri upstream, JsonObject? evaluators)
    {
        var host = await GatewayHost.StartAsync(seed: store => GatewayHost.RegisterAsync(
            store, "svc", GatewayHost.Bundle(upstream, "m", evaluators is null ? null : new JsonObject { ["evaluators"] = evaluators })));
        await host.SetRoutingAsync(new RoutingState("svc", 1));
        return host;
    }

    private static Task Json(HttpContext context, string content)
    {
        context.Response.ContentType = "application/json";
        var body = new JsonObject
        {
            ["choices"] = new JsonArray(new JsonObject
            {
                ["index"] = 0,
                ["message"] = new JsonObject { ["role"] = "assistant", ["content"] = content },
                ["finish_reason"] = "stop",
            }),
        };
        return context.Response.WriteAsync(body.ToJsonString());
    }

    private static HttpRequestMessage Chat(bool json)
    {
        var body = new JsonObject { ["model"] = "svc", ["messages"] = new JsonArray(new JsonObject { ["role"] = "user", ["content"] = "q" }) };
        if (json)
        {
            body["response_format"] = new JsonObject { ["type"] = "json_object" };
        }

        return new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions") { Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json") };
    }
}
