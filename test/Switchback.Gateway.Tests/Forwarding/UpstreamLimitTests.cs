using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Switchback.Core.Routing;
using Switchback.Gateway.Tests.Hosting;

namespace Switchback.Gateway.Tests.Forwarding;

/// <summary>The data plane's limits on upstream answers and concurrent streams, and HTTPS upstreams with a private CA.</summary>
public sealed class UpstreamLimitTests
{
    private const int Limit = 4096;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Chat_UpstreamDeclaresBodyOverLimit_Is502AndCountsAnError()
    {
        await using var upstream = await RecordingUpstream.StartAsync(c =>
        {
            c.Response.ContentType = "application/json";
            var body = Encoding.UTF8.GetBytes($$"""{"id":"x","choices":[],"pad":"{{new string('a', Limit)}}"}""");
            c.Response.ContentLength = body.Length;
            return c.Response.Body.WriteAsync(body).AsTask();
        });
        await using var host = await GatewayHost.StartAsync(
            configure: o => o.MaxUpstreamResponseBytes = Limit,
            seed: store => GatewayHost.RegisterAsync(store, "svc", GatewayHost.Bundle(upstream.BaseAddress)));

        using var response = await host.Client.SendAsync(GatewayHost.Chat("svc"), Ct);

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        var error = JsonNode.Parse(await response.Content.ReadAsStringAsync(Ct))!["error"]!;
        Assert.Equal(("upstream_error", "upstream_response_too_large"), ((string?)error["type"], (string?)error["code"]));
        Assert.Contains("svc@1", (string?)error["message"], StringComparison.Ordinal);
        Assert.Contains("4096 bytes", (string?)error["message"], StringComparison.Ordinal);
        var signals = host.Signals.Get("svc", 1).AggregateLast(TimeSpan.FromMinutes(1));
        Assert.Equal((1L, 1L), (signals.Requests, signals.Errors.Http5xx));
    }

    [Fact]
    public async Task Chat_CandidateAnswerOverLimit_FailsOverToStable()
    {
        await using var stable = await RecordingUpstream.StartAsync();
        await using var huge = await RecordingUpstream.StartAsync(c =>
        {
            c.Response.ContentType = "application/json";
            c.Response.ContentLength = Limit + 1;
            return c.Response.Body.WriteAsync(new byte[Limit + 1]).AsTask();
        });
        await using var host = await GatewayHost.StartAsync(
            configure: o => o.MaxUpstreamResponseBytes = Limit,
            seed: GatewayHost.StableAndCandidate(stable.BaseAddress, huge.BaseAddress));
        await host.SetRoutingAsync(new RoutingState("svc", 1, 2, 10_000));

        using var response = await host.Client.SendAsync(GatewayHost.Chat("svc", "k"), Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("1", response.Headers.GetValues("x-switchback-version").Single());
        Assert.Equal(1L, host.Signals.Get("svc", 2).AggregateLast(TimeSpan.FromMinutes(1)).Errors.Http5xx);
    }

    [Fact]
    public async Task Chat_StreamOutgrowsLimit_EndsWithErrorEventAndCountsAnError()
    {
        await using var upstream = await RecordingUpstream.StartAsync(async c =>
        {
            c.Response.ContentType = "text/event-stream";
            var chunk = Encoding.UTF8.GetBytes($$$"""data: {"choices":[{"delta":{"content":"{{{new string('z', 500)}}}"}}]}""" + "\n\n");
            for (var i = 0; i < 20; i++)
            {
                await c.Response.Body.WriteAsync(chunk, c.RequestAborted);
                await c.Response.Body.FlushAsync(c.RequestAborted);
            }
        });
        await using var host = await GatewayHost.StartAsync(
            configure: o => o.MaxUpstreamResponseBytes = Limit,
            seed: store => GatewayHost.RegisterAsync(store, "svc", GatewayHost.Bundle(upstream.BaseAddress)));

        using var response = await host.Client.SendAsync(StreamingChat(), HttpCompletionOption.ResponseHeadersRead, Ct);
        var text = await response.Content.ReadAsStringAsync(Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var events = text.Split("\n\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("event: error\ndata: ", events[^1], StringComparison.Ordinal);
        var error = JsonNode.Parse(events[^1]["event: error\ndata: ".Length..])!["error"]!;
        Assert.Equal("upstream_response_too_large", (string?)error["code"]);
        Assert.True(text.Length < 20 * 500, $"the stream was not cut: {text.Length} characters");
        var signals = host.Signals.Get("svc", 1).AggregateLast(TimeSpan.FromMinutes(1));
        Assert.Equal((1L, 1L), (signals.Requests, signals.Errors.Http5xx));
    }

    [Fact]
    public async Task Chat_StreamsOverConcurrentLimit_Is429WithRetryAfterUntilOneEnds()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var calls = 0;
        await using var upstream = await RecordingUpstream.StartAsync(async c =>
        {
            c.Response.ContentType = "text/event-stream";
            await c.Response.WriteAsync("data: {\"choices\":[]}\n\n", c.RequestAborted);
            if (Interlocked.Increment(ref calls) > 1)
            {
                // Only the first request is held open; the gateway cares about "stream" in the request, not this answer.
                return;
            }

            await c.Response.Body.FlushAsync(c.RequestAborted);
            started.TrySetResult();
            await release.Task.WaitAsync(c.RequestAborted);
            await c.Response.WriteAsync("data: [DONE]\n\n", c.RequestAborted);
        });
        await using var host = await GatewayHost.StartAsync(
            configure: o => o.MaxConcurrentStreams = 1,
            seed: store => GatewayHost.RegisterAsync(store, "svc", GatewayHost.Bundle(upstream.BaseAddress)));

        using var first = await host.Client.SendAsync(StreamingChat(), HttpCompletionOption.ResponseHeadersRead, Ct);
        await started.Task.WaitAsync(TimeSpan.FromSeconds(30), Ct);
        using var refused = await host.Client.SendAsync(StreamingChat(), Ct);
        using var unstreamed = await host.Client.SendAsync(GatewayHost.Chat("svc"), Ct);

        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(1), refused.Headers.RetryAfter?.Delta);
        var error = JsonNode.Parse(await refused.Content.ReadAsStringAsync(Ct))!["error"]!;
        Assert.Equal(("rate_limit_error", "too_many_concurrent_streams"), ((string?)error["type"], (string?)error["code"]));
        Assert.Equal(HttpStatusCode.OK, unstreamed.StatusCode);
        Assert.Equal(2, upstream.Requests.Count);

        release.SetResult();
        Assert.EndsWith("data: [DONE]\n\n", await first.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        using var after = await host.Client.SendAsync(StreamingChat(), Ct);
        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
    }

    [Fact]
    public async Task Chat_HttpsUpstreamOfPrivateCa_IsRefusedWithoutTheCaAndServedWithIt()
    {
        var directory = Directory.CreateTempSubdirectory("sb-upstream-ca-").FullName;
        try
        {
            using var authority = TestCertificates.CreateAuthority("Switchback Test Upstream CA");
            using var server = TestCertificates.IssueServer(authority, "upstream");
            var bundle = Path.Combine(directory, "ca.pem");
            await File.WriteAllTextAsync(bundle, authority.ExportCertificatePem(), Ct);
            await using var upstream = await RecordingUpstream.StartAsync(certificate: server);
            Assert.Equal("https", upstream.BaseAddress.Scheme);
            Func<Switchback.Storage.IRegistryStore, Task> seed = store => GatewayHost.RegisterAsync(store, "svc", GatewayHost.Bundle(upstream.BaseAddress));

            await using (var untrusting = await GatewayHost.StartAsync(seed: seed))
            {
                using var refused = await untrusting.Client.SendAsync(GatewayHost.Chat("svc"), Ct);
                Assert.Equal(HttpStatusCode.BadGateway, refused.StatusCode);
                Assert.Empty(upstream.Requests);
            }

            await using var trusting = await GatewayHost.StartAsync(configure: o => o.UpstreamCaFile = bundle, seed: seed);
            using var served = await trusting.Client.SendAsync(GatewayHost.Chat("svc"), Ct);
            Assert.Equal(HttpStatusCode.OK, served.StatusCode);
            Assert.Single(upstream.Requests);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public async Task Start_UpstreamCaFileWithoutCertificates_FailsNamingTheFile()
    {
        var file = Path.GetTempFileName();
        try
        {
            await File.WriteAllTextAsync(file, "not a certificate", Ct);

            var ex = await Assert.ThrowsAnyAsync<Exception>(async () => await GatewayHost.StartAsync(configure: o => o.UpstreamCaFile = file));

            Assert.Contains(file, ex.Message, StringComparison.Ordinal);
            Assert.Contains("no '-----BEGIN CERTIFICATE-----' block", ex.Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(file);
        }
    }

    private static HttpRequestMessage StreamingChat()
    {
        var body = new JsonObject
        {
            ["model"] = "svc",
            ["messages"] = new JsonArray(new JsonObject { ["role"] = "user", ["content"] = "hello" }),
            ["stream"] = true,
        };
        return new HttpRequestMessage(HttpMethod.Post, GatewayHost.ChatPath) { Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json") };
    }
}
