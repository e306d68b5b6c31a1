using System.Text.Json;
using Switchback.UpstreamSim.Tests.Support;

namespace Switchback.UpstreamSim.Tests;

public sealed class StreamingTests
{
    [Fact]
    public async Task ChatStream_WithIncludeUsage_SendsChunksUsageThenDone()
    {
        await using var sim = await Sim.StartAsync();
        using var plain = await sim.PostAsync("v1/chat/completions", Sim.ChatBody("Stream this answer"));
        var expected = (await sim.ReadJsonAsync(plain)).GetProperty("choices")[0].GetProperty("message").GetProperty("content").GetString();

        using var response = await sim.PostAsync("v1/chat/completions",
            Sim.ChatBody("Stream this answer", extra: ""","stream":true,"stream_options":{"include_usage":true}"""));
        var events = await Sse.ReadAllDataAsync(response);

        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("[DONE]", events[^1]);
        Assert.True(events.Count > 6, $"expected several chunks, got {events.Count}");
        using var first = JsonDocument.Parse(events[0]);
        Assert.Equal("chat.completion.chunk", first.RootElement.GetProperty("object").GetString());
        Assert.Equal("assistant", first.RootElement.GetProperty("choices")[0].GetProperty("delta").GetProperty("role").GetString());
        using var finish = JsonDocument.Parse(events[^3]);
        Assert.Equal("stop", finish.RootElement.GetProperty("choices")[0].GetProperty("finish_reason").GetString());
        using var usage = JsonDocument.Parse(events[^2]);
        Assert.Equal(0, usage.RootElement.GetProperty("choices").GetArrayLength());
        Assert.Equal(3, usage.RootElement.GetProperty("usage").GetProperty("prompt_tokens").GetInt32());
        Assert.Equal(expected, Sse.ChatContent(events));
    }

    [Fact]
    public async Task ChatStream_WithoutIncludeUsage_HasNoUsageChunk()
    {
        await using var sim = await Sim.StartAsync();

        using var response = await sim.PostAsync("v1/chat/completions", Sim.ChatBody("hi", extra: ""","stream":true"""));
        var events = await Sse.ReadAllDataAsync(response);

        Assert.Equal("[DONE]", events[^1]);
        Assert.DoesNotContain(events, e => e.Contains("\"usage\"", StringComparison.Ordinal));
        Assert.StartsWith("Answer to: hi", Sse.ChatContent(events));
    }

    [Fact]
    public async Task CompletionStream_SendsTextChunks()
    {
        await using var sim = await Sim.StartAsync();

        using var response = await sim.PostAsync("v1/completions", """{"prompt":"Once upon","stream":true}""");
        var events = await Sse.ReadAllDataAsync(response);

        Assert.Equal("[DONE]", events[^1]);
        var text = string.Concat(events.SkipLast(1).Select(e =>
        {
            using var doc = JsonDocument.Parse(e);
            Assert.Equal("text_completion", doc.RootElement.GetProperty("object").GetString());
            return doc.RootElement.GetProperty("choices")[0].GetProperty("text").GetString();
        }));
        Assert.StartsWith("Completion of: Once upon", text);
    }

    [Fact]
    public async Task ChatStream_InterTokenLatency_NextChunkArrivesOnlyWhenClockAdvances()
    {
        var time = new TimerWatchingTimeProvider();
        await using var sim = await Sim.StartAsync(new UpstreamSimOptions { LatencyMs = 0, InterTokenLatencyMs = 50 }, time);
        var ct = TestContext.Current.CancellationToken;
        using var request = new HttpRequestMessage(HttpMethod.Post, "v1/chat/completions") { Content = Sim.Json(Sim.ChatBody("tick tock", extra: ""","stream":true""")) };
        using var response = await sim.Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(ct));

        var role = await reader.ReadLineAsync(ct);
        await reader.ReadLineAsync(ct);
        var firstWord = await reader.ReadLineAsync(ct);
        await reader.ReadLineAsync(ct);
        Assert.Contains("\"role\":\"assistant\"", role);
        Assert.Contains("\"content\":\"Answer\"", firstWord);

        Assert.Equal(TimeSpan.FromMilliseconds(50), await time.NextTimerAsync());
        var next = reader.ReadLineAsync(ct).AsTask();
        Assert.False(next.IsCompleted);
        time.Advance(TimeSpan.FromMilliseconds(50));

        Assert.Contains("\"content\":\" to:\"", await next.WaitAsync(TimeSpan.FromSeconds(10), ct));
    }
}
