using System.Net;
using System.Text.Json;
using Switchback.UpstreamSim.Hosting;
using Switchback.UpstreamSim.Tests.Support;

namespace Switchback.UpstreamSim.Tests;

public sealed class ResponsesTests
{
    private static string OutputText(JsonElement response) =>
        response.GetProperty("output")[0].GetProperty("content")[0].GetProperty("text").GetString()!;

    [Fact]
    public async Task Responses_Plain_AnswersResponseObjectWithUsageAndEcho()
    {
        await using var sim = await Sim.StartAsync();
        using var request = new HttpRequestMessage(HttpMethod.Post, "v1/responses")
        {
            Content = Sim.Json(Sim.ResponsesBody("What is the refund policy?",
                ""","instructions":"You are Acme support.","temperature":0.25,"top_p":0.5,"max_output_tokens":200""")),
        };
        request.Headers.Add("x-switchback-retrieval", "kb@1");

        using var response = await sim.Client.SendAsync(request, TestContext.Current.CancellationToken);
        var body = await sim.ReadJsonAsync(response);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("response", body.GetProperty("object").GetString());
        Assert.Equal("completed", body.GetProperty("status").GetString());
        Assert.StartsWith("resp_", body.GetProperty("id").GetString());
        Assert.Equal("You are Acme support.", body.GetProperty("instructions").GetString());
        var item = body.GetProperty("output")[0];
        Assert.Equal("message", item.GetProperty("type").GetString());
        Assert.Equal("assistant", item.GetProperty("role").GetString());
        Assert.Equal("output_text", item.GetProperty("content")[0].GetProperty("type").GetString());
        var text = OutputText(body);
        Assert.StartsWith("Answer to: What is the refund policy?", text);
        var usage = body.GetProperty("usage");
        Assert.Equal(4 + 5, usage.GetProperty("input_tokens").GetInt32());
        Assert.Equal(text.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length, usage.GetProperty("output_tokens").GetInt32());
        Assert.Equal(usage.GetProperty("input_tokens").GetInt32() + usage.GetProperty("output_tokens").GetInt32(), usage.GetProperty("total_tokens").GetInt32());
        var echo = body.GetProperty("sim");
        Assert.Equal("You are Acme support.", echo.GetProperty("instructions").GetString());
        Assert.Equal(0.25, echo.GetProperty("temperature").GetDouble());
        Assert.Equal(0.5, echo.GetProperty("top_p").GetDouble());
        Assert.Equal(200, echo.GetProperty("max_output_tokens").GetInt32());
        Assert.Equal("kb@1", echo.GetProperty("retrieval").GetString());
        Assert.Equal("200", response.Headers.GetValues("x-sim-max-tokens").Single());
        Assert.Equal(1, sim.Stats.RequestsTo(SimEndpoint.Responses));
        Assert.Equal(1, sim.Stats.Count(SimOutcome.Ok));
    }

    [Fact]
    public async Task Responses_InputItems_AnswerTheLastUserMessage()
    {
        await using var sim = await Sim.StartAsync();

        using var response = await sim.PostAsync("v1/responses", """
            {"model":"m","input":[{"role":"user","content":"first"},{"role":"assistant","content":"ok"},
             {"type":"message","role":"user","content":[{"type":"input_text","text":"second question"}]}]}
            """);
        var body = await sim.ReadJsonAsync(response);

        Assert.StartsWith("Answer to: second question", OutputText(body));
        Assert.Equal(3, body.GetProperty("sim").GetProperty("input_items").GetInt32());
    }

    [Fact]
    public async Task Responses_MaxOutputTokens_CutsTheAnswerAsIncomplete()
    {
        await using var sim = await Sim.StartAsync();

        using var response = await sim.PostAsync("v1/responses", Sim.ResponsesBody("Tell me a long story", ""","max_output_tokens":3"""));
        var body = await sim.ReadJsonAsync(response);

        Assert.Equal("Answer to: Tell", OutputText(body));
        Assert.Equal("incomplete", body.GetProperty("status").GetString());
        Assert.Equal("max_output_tokens", body.GetProperty("incomplete_details").GetProperty("reason").GetString());
        Assert.Equal(3, body.GetProperty("usage").GetProperty("output_tokens").GetInt32());
    }

    [Fact]
    public async Task Responses_Stream_SendsTypedEventsInOpenAiOrder()
    {
        await using var sim = await Sim.StartAsync();
        using var plain = await sim.PostAsync("v1/responses", Sim.ResponsesBody("Stream this answer"));
        var expected = OutputText(await sim.ReadJsonAsync(plain));

        using var response = await sim.PostAsync("v1/responses", Sim.ResponsesBody("Stream this answer", ""","stream":true"""));
        var events = await Sse.ReadTypedEventsAsync(response);

        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        var types = events.Select(e => e.Event).ToList();
        Assert.Equal(["response.created", "response.in_progress", "response.output_item.added", "response.content_part.added"], types[..4]);
        Assert.Equal(["response.output_text.done", "response.content_part.done", "response.output_item.done", "response.completed"], types[^4..]);
        Assert.All(types[4..^4], t => Assert.Equal("response.output_text.delta", t));
        Assert.True(types.Count > 12, $"expected one delta per word, got {types.Count} events");
        for (var i = 0; i < events.Count; i++)
        {
            Assert.Equal(events[i].Event, events[i].Data.GetProperty("type").GetString());
            Assert.Equal(i, events[i].Data.GetProperty("sequence_number").GetInt32());
        }

        Assert.Equal("in_progress", events[0].Data.GetProperty("response").GetProperty("status").GetString());
        Assert.Equal(expected, string.Concat(events.Where(e => e.Event == "response.output_text.delta").Select(e => e.Data.GetProperty("delta").GetString())));
        Assert.Equal(expected, events[^4].Data.GetProperty("text").GetString());
        var completed = events[^1].Data.GetProperty("response");
        Assert.Equal("completed", completed.GetProperty("status").GetString());
        Assert.Equal(expected, OutputText(completed));
        Assert.Equal(3, completed.GetProperty("usage").GetProperty("input_tokens").GetInt32());
        Assert.True(completed.GetProperty("usage").GetProperty("output_tokens").GetInt32() > 6);
    }

    [Theory]
    [InlineData("\"required\"")]
    [InlineData("{\"type\":\"function\",\"name\":\"lookup\"}")]
    public async Task Responses_ToolChoiceForcesFunction_AnswersFunctionCallItem(string toolChoice)
    {
        await using var sim = await Sim.StartAsync();
        var tools = ""","tools":[{"type":"function","name":"lookup","parameters":{"type":"object"}}],"tool_choice":""" + toolChoice;

        using var response = await sim.PostAsync("v1/responses", Sim.ResponsesBody("order 42", tools));
        var item = (await sim.ReadJsonAsync(response)).GetProperty("output")[0];

        Assert.Equal("function_call", item.GetProperty("type").GetString());
        Assert.Equal("lookup", item.GetProperty("name").GetString());
        Assert.StartsWith("call_", item.GetProperty("call_id").GetString());
        Assert.Equal("order 42", JsonDocument.Parse(item.GetProperty("arguments").GetString()!).RootElement.GetProperty("query").GetString());
    }

    [Fact]
    public async Task Responses_ToolChoiceAuto_AnswersText()
    {
        await using var sim = await Sim.StartAsync();

        using var response = await sim.PostAsync("v1/responses",
            Sim.ResponsesBody("order 42", ""","tools":[{"type":"function","name":"lookup"}],"tool_choice":"auto" """));

        Assert.Equal("message", (await sim.ReadJsonAsync(response)).GetProperty("output")[0].GetProperty("type").GetString());
    }

    [Fact]
    public async Task Responses_StreamWithForcedTool_SendsFunctionCallArgumentEvents()
    {
        await using var sim = await Sim.StartAsync();

        using var response = await sim.PostAsync("v1/responses",
            Sim.ResponsesBody("find order 42", ""","stream":true,"tools":[{"type":"function","name":"lookup"}],"tool_choice":"required" """));
        var events = await Sse.ReadTypedEventsAsync(response);

        var types = events.Select(e => e.Event).ToList();
        Assert.Equal(["response.created", "response.in_progress", "response.output_item.added"], types[..3]);
        Assert.Equal(["response.function_call_arguments.done", "response.output_item.done", "response.completed"], types[^3..]);
        Assert.All(types[3..^3], t => Assert.Equal("response.function_call_arguments.delta", t));
        Assert.Equal("function_call", events[2].Data.GetProperty("item").GetProperty("type").GetString());
        var arguments = string.Concat(events.Where(e => e.Event == "response.function_call_arguments.delta").Select(e => e.Data.GetProperty("delta").GetString()));
        Assert.Equal(arguments, events[^3].Data.GetProperty("arguments").GetString());
        Assert.Equal("find order 42", JsonDocument.Parse(arguments).RootElement.GetProperty("query").GetString());
        Assert.Equal(arguments, events[^1].Data.GetProperty("response").GetProperty("output")[0].GetProperty("arguments").GetString());
    }

    [Fact]
    public async Task StoredResponse_GetDeleteAndCancel_FollowTheStore()
    {
        await using var sim = await Sim.StartAsync();
        var ct = TestContext.Current.CancellationToken;
        using var created = await sim.PostAsync("v1/responses", Sim.ResponsesBody("keep me"));
        var createdJson = await created.Content.ReadAsStringAsync(ct);
        var id = JsonDocument.Parse(createdJson).RootElement.GetProperty("id").GetString();

        using var got = await sim.Client.GetAsync($"v1/responses/{id}", ct);
        using var cancelled = await sim.PostAsync($"v1/responses/{id}/cancel", "");
        using var deleted = await sim.Client.DeleteAsync($"v1/responses/{id}", ct);
        using var gone = await sim.Client.GetAsync($"v1/responses/{id}", ct);

        Assert.Equal(HttpStatusCode.OK, got.StatusCode);
        Assert.Equal(createdJson, await got.Content.ReadAsStringAsync(ct));
        Assert.Equal(HttpStatusCode.OK, cancelled.StatusCode);
        Assert.Equal("completed", (await sim.ReadJsonAsync(cancelled)).GetProperty("status").GetString());
        var deletion = await sim.ReadJsonAsync(deleted);
        Assert.Equal(id, deletion.GetProperty("id").GetString());
        Assert.True(deletion.GetProperty("deleted").GetBoolean());
        Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
        var error = (await sim.ReadJsonAsync(gone)).GetProperty("error");
        Assert.Equal("response_not_found", error.GetProperty("code").GetString());
        Assert.Equal($"Response with id '{id}' not found.", error.GetProperty("message").GetString());
        Assert.Equal(5, sim.Stats.RequestsTo(SimEndpoint.Responses));
    }

    [Fact]
    public async Task StoredResponse_GetWithStreamTrue_ReplaysTheStreamedEventsAndStartingAfterResumes()
    {
        await using var sim = await Sim.StartAsync(new UpstreamSimOptions { InterTokenLatencyMs = 0 });
        var ct = TestContext.Current.CancellationToken;
        using var created = await sim.PostAsync("v1/responses", Sim.ResponsesBody("Stream this answer", ""","stream":true"""));
        var original = await Sse.ReadTypedEventsAsync(created);
        var id = original[0].Data.GetProperty("response").GetProperty("id").GetString();

        using var replayed = await sim.Client.GetAsync($"v1/responses/{id}?stream=true", ct);
        var events = await Sse.ReadTypedEventsAsync(replayed);
        using var resumed = await sim.Client.GetAsync($"v1/responses/{id}?stream=true&starting_after=3", ct);
        var rest = await Sse.ReadTypedEventsAsync(resumed);
        using var plain = await sim.Client.GetAsync($"v1/responses/{id}?stream=false", ct);

        Assert.Equal(HttpStatusCode.OK, replayed.StatusCode);
        Assert.Equal("text/event-stream", replayed.Content.Headers.ContentType?.MediaType);
        Assert.Equal(original.Select(e => (e.Event, e.Data.GetRawText())), events.Select(e => (e.Event, e.Data.GetRawText())));
        Assert.Equal(events.Skip(4).Select(e => e.Data.GetRawText()), rest.Select(e => e.Data.GetRawText()));
        Assert.Equal(4, rest[0].Data.GetProperty("sequence_number").GetInt32());
        Assert.Equal("application/json", plain.Content.Headers.ContentType?.MediaType);
        Assert.Equal(events[^1].Data.GetProperty("response").GetRawText(), await plain.Content.ReadAsStringAsync(ct));
    }

    [Theory]
    [InlineData("stream=yes", "stream")]
    [InlineData("stream=true&stream=false", "stream")]
    [InlineData("starting_after=2", "starting_after")]
    [InlineData("stream=true&starting_after=-1", "starting_after")]
    [InlineData("stream=true&starting_after=x", "starting_after")]
    public async Task StoredResponse_GetWithMalformedStreamQuery_Is400NamingTheParam(string query, string param)
    {
        await using var sim = await Sim.StartAsync();
        using var created = await sim.PostAsync("v1/responses", Sim.ResponsesBody("keep me"));
        var id = (await sim.ReadJsonAsync(created)).GetProperty("id").GetString();

        using var response = await sim.Client.GetAsync($"v1/responses/{id}?{query}", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = (await sim.ReadJsonAsync(response)).GetProperty("error");
        Assert.Equal((param, "invalid_request_error"), (error.GetProperty("param").GetString(), error.GetProperty("type").GetString()));
        Assert.Contains(param, error.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Responses_TwoSimulatorsSameSeed_SameTextButDifferentIds()
    {
        await using var one = await Sim.StartAsync();
        await using var two = await Sim.StartAsync();

        using var a = await one.PostAsync("v1/responses", Sim.ResponsesBody("same question"));
        using var b = await two.PostAsync("v1/responses", Sim.ResponsesBody("same question"));
        var (first, second) = (await one.ReadJsonAsync(a), await two.ReadJsonAsync(b));

        Assert.Equal(OutputText(first), OutputText(second));
        Assert.NotEqual(first.GetProperty("id").GetString(), second.GetProperty("id").GetString());
        Assert.NotEqual(first.GetProperty("output")[0].GetProperty("id").GetString(), second.GetProperty("output")[0].GetProperty("id").GetString());
    }

    [Fact]
    public async Task StoreFalse_ResponseIsNotKept()
    {
        await using var sim = await Sim.StartAsync();
        using var created = await sim.PostAsync("v1/responses", Sim.ResponsesBody("forget me", ""","store":false"""));
        var id = (await sim.ReadJsonAsync(created)).GetProperty("id").GetString();

        using var got = await sim.Client.GetAsync($"v1/responses/{id}", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.NotFound, got.StatusCode);
    }

    [Theory]
    [InlineData("PUT", "v1/responses/resp_sim1234-1", HttpStatusCode.MethodNotAllowed)]
    [InlineData("GET", "v1/responses/resp_sim1234-1/cancel", HttpStatusCode.MethodNotAllowed)]
    [InlineData("GET", "v1/responses/a/b", HttpStatusCode.NotFound)]
    [InlineData("GET", "v1/responses", HttpStatusCode.MethodNotAllowed)]
    public async Task ResponseById_WrongMethodOrPath_IsRefused(string method, string path, HttpStatusCode status)
    {
        await using var sim = await Sim.StartAsync();

        using var response = await sim.Client.SendAsync(new HttpRequestMessage(new HttpMethod(method), path), TestContext.Current.CancellationToken);

        Assert.Equal(status, response.StatusCode);
        Assert.Equal("invalid_request_error", (await sim.ReadJsonAsync(response)).GetProperty("error").GetProperty("type").GetString());
    }

    [Fact]
    public async Task PreviousResponseId_Unknown_Gets404LikeOpenAi()
    {
        await using var sim = await Sim.StartAsync();

        using var response = await sim.PostAsync("v1/responses", Sim.ResponsesBody("again", ""","previous_response_id":"resp_nope" """));
        var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("""{"error":{"message":"Previous response with id 'resp_nope' not found.","type":"invalid_request_error","param":"previous_response_id","code":"previous_response_not_found"}}""", body);
        Assert.Equal(1, sim.Stats.Count(SimOutcome.NotFound));
    }

    [Fact]
    public async Task PreviousResponseId_Known_IsAnsweredAndEchoed()
    {
        await using var sim = await Sim.StartAsync();
        using var first = await sim.PostAsync("v1/responses", Sim.ResponsesBody("first"));
        var id = (await sim.ReadJsonAsync(first)).GetProperty("id").GetString();

        using var second = await sim.PostAsync("v1/responses", Sim.ResponsesBody("second", $$""","previous_response_id":"{{id}}" """));
        var body = await sim.ReadJsonAsync(second);

        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.Equal(id, body.GetProperty("previous_response_id").GetString());
        Assert.StartsWith("Answer to: second", OutputText(body));
    }

    [Theory]
    [InlineData(SimProfile.Flaky)]
    [InlineData(SimProfile.Oom)]
    [InlineData(SimProfile.SilentRegression)]
    public async Task Responses_UnderEveryFaultProfile_FailsExactlyAsChatDoes(SimProfile profile)
    {
        await using var chat = await Sim.StartAsync(new UpstreamSimOptions { Profile = profile, Seed = 7 });
        await using var responses = await Sim.StartAsync(new UpstreamSimOptions { Profile = profile, Seed = 7 });

        for (var i = 0; i < 200; i++)
        {
            var question = $"question {i % 20}";
            var (chatStatus, chatText) = await chat.ChatAsync(question);
            var (status, text) = await ResponsesAsync(responses, question);
            Assert.Equal(chatStatus, status);
            if (status == 200)
            {
                Assert.Equal(chatText, text);
            }
            else if (status != 0)
            {
                Assert.Equal(JsonDocument.Parse(chatText).RootElement.GetProperty("error").GetProperty("code").GetString(),
                    JsonDocument.Parse(text).RootElement.GetProperty("error").GetProperty("code").GetString());
            }
        }

        Assert.True(responses.Stats.Count(SimOutcome.Ok) < 190, "the profile injected faults");
        foreach (var outcome in Enum.GetValues<SimOutcome>())
        {
            Assert.Equal(chat.Stats.Count(outcome), responses.Stats.Count(outcome));
        }

        Assert.Equal(chat.Stats.ErrorsFrom(SimEndpoint.ChatCompletions), responses.Stats.ErrorsFrom(SimEndpoint.Responses));
    }

    [Fact]
    public async Task Responses_DownProfile_HangsUntilClientGivesUp()
    {
        await using var sim = await Sim.StartAsync(new UpstreamSimOptions { Profile = SimProfile.Down });
        using var giveUp = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);

        var pending = sim.Client.PostAsync("v1/responses", Sim.Json(Sim.ResponsesBody("anyone?")), giveUp.Token);
        await Eventually.TrueAsync(() => sim.Stats.Count(SimOutcome.Hang) == 1, "the request reached the simulator");
        Assert.False(pending.IsCompleted);
        await giveUp.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => pending);
        Assert.Equal(1, sim.Stats.RequestsTo(SimEndpoint.Responses));
    }

    [Fact]
    public void StoredResponses_Full_EvictsTheLeastRecentlyUsed()
    {
        var store = new StoredResponses<byte[]>(capacity: 2);
        store.Put("a", [1]);
        store.Put("b", [2]);
        Assert.NotNull(store.Get("a"));

        store.Put("c", [3]);

        Assert.NotNull(store.Get("a"));
        Assert.Null(store.Get("b"));
        Assert.NotNull(store.Get("c"));
        Assert.True(store.Remove("a"));
        Assert.False(store.Remove("a"));
    }

    private static async Task<(int Status, string Text)> ResponsesAsync(Sim sim, string input)
    {
        try
        {
            using var response = await sim.PostAsync("v1/responses", Sim.ResponsesBody(input));
            var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
            return response.IsSuccessStatusCode ? (200, OutputText(JsonDocument.Parse(body).RootElement)) : ((int)response.StatusCode, body);
        }
        catch (HttpRequestException)
        {
            return (0, "");
        }
    }
}
