using System.Net;
using System.Net.Http.Headers;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Switchback.Gateway.Tests.Hosting;

namespace Switchback.Gateway.Tests.Forwarding;

/// <summary>What crosses the gateway in each direction besides the body: the proxy's header rules, methods, and a broken answer.</summary>
public sealed class UpstreamMessageTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Request_EndToEndHeadersPass_HopByHopGatewayAndExpectHeadersDoNot()
    {
        await using var upstream = await RecordingUpstream.StartAsync();
        await using var host = await GatewayHost.StartAsync(seed: store => GatewayHost.RegisterAsync(store, "svc", GatewayHost.Bundle(upstream.BaseAddress)));
        using var request = GatewayHost.Chat("svc", stickyKey: "user-7", bearer: "client-gateway-key");
        request.Headers.TryAddWithoutValidation("x-request-tag", "abc");
        request.Headers.TryAddWithoutValidation("x-multi", ["one", "two"]);
        request.Headers.TryAddWithoutValidation("Proxy-Authorization", "Basic c2VjcmV0");
        request.Headers.TryAddWithoutValidation("Keep-Alive", "timeout=5");
        request.Headers.TryAddWithoutValidation("x-switchback-var-region", "eu");
        request.Headers.ExpectContinue = true;
        request.Content!.Headers.ContentLanguage.Add("de");

        using var response = await host.Client.SendAsync(request, Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var seen = Assert.Single(upstream.Requests).Headers;
        Assert.Equal("abc", seen["x-request-tag"]);
        Assert.Equal("one, two", seen["x-multi"]);
        Assert.Equal("de", seen["content-language"]);
        Assert.StartsWith("application/json", seen["content-type"], StringComparison.Ordinal);
        Assert.Equal($"{upstream.BaseAddress.Host}:{upstream.BaseAddress.Port}", seen["host"]);
        Assert.DoesNotContain("authorization", seen.Keys);
        Assert.DoesNotContain("proxy-authorization", seen.Keys);
        Assert.DoesNotContain("keep-alive", seen.Keys);
        Assert.DoesNotContain("expect", seen.Keys);
        Assert.DoesNotContain(seen.Keys, k => k.StartsWith("x-switchback-", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Request_HeaderValueWithLineBreak_IsDroppedNotInjected()
    {
        await using var upstream = await RecordingUpstream.StartAsync();
        await using var host = await GatewayHost.StartAsync(seed: store => GatewayHost.RegisterAsync(store, "svc", GatewayHost.Bundle(upstream.BaseAddress)));
        var context = new DefaultHttpContext();
        context.Request.Method = "POST";
        context.Request.Headers["x-ok"] = "fine";
        context.Request.Headers["x-evil"] = "a\r\nx-injected: yes";
        var plan = new Switchback.Gateway.Forwarding.ForwardPlan("svc", 1, "req_1", new Uri(upstream.BaseAddress, "v1/chat/completions"), "http://127.0.0.1", "{}"u8.ToArray(), null, null, null, TimeSpan.FromSeconds(5));

        using var message = Switchback.Gateway.Forwarding.UpstreamMessages.Request(context.Request, plan);

        Assert.Equal("fine", message.Headers.GetValues("x-ok").Single());
        Assert.False(message.Headers.Contains("x-evil"));
        Assert.False(message.Headers.Contains("x-injected"));
        Assert.Equal(2, message.Content!.Headers.ContentLength);
    }

    [Fact]
    public async Task Response_StatusReasonAndEndToEndHeadersReachTheClient_HopByHopDoNot()
    {
        await using var upstream = await RecordingUpstream.StartAsync(c =>
        {
            c.Response.StatusCode = 201;
            c.Features.Get<IHttpResponseFeature>()!.ReasonPhrase = "Made It";
            c.Response.Headers["x-upstream"] = "yes";
            c.Response.Headers.Append("Set-Cookie", "a=1");
            c.Response.Headers.Append("Set-Cookie", "b=2");
            c.Response.Headers["Keep-Alive"] = "timeout=5";
            c.Response.ContentType = "application/json";
            return c.Response.WriteAsync("""{"ok":true}""");
        });
        await using var host = await GatewayHost.StartAsync(seed: store => GatewayHost.RegisterAsync(store, "svc", GatewayHost.Bundle(upstream.BaseAddress)));

        using var response = await host.Client.SendAsync(GatewayHost.Chat("svc"), Ct);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal("Made It", response.ReasonPhrase);
        Assert.Equal("yes", response.Headers.GetValues("x-upstream").Single());
        Assert.Equal(["a=1", "b=2"], response.Headers.GetValues("Set-Cookie"));
        Assert.False(response.Headers.Contains("Keep-Alive"));
        Assert.Equal("svc", response.Headers.GetValues("x-switchback-deployment").Single());
        Assert.Equal("""{"ok":true}""", await response.Content.ReadAsStringAsync(Ct));
    }

    [Theory]
    [InlineData("GET", null, null)]
    [InlineData("DELETE", null, null)]
    [InlineData("POST", "", "0")]
    [InlineData("PUT", "{\"x\":1}", "7")]
    public async Task Raw_MethodAndBodyPassAsSent(string method, string? body, string? expectedLength)
    {
        await using var upstream = await RecordingUpstream.StartAsync(c => c.Response.WriteAsync("done"));
        await using var host = await GatewayHost.StartAsync(seed: store => GatewayHost.RegisterAsync(store, "raw", GatewayHost.Bundle(upstream.BaseAddress)));
        using var request = new HttpRequestMessage(new HttpMethod(method), "/d/raw/items/1?q=2");
        if (body is not null)
        {
            request.Content = new StringContent(body, new MediaTypeHeaderValue("application/json"));
        }

        using var response = await host.Client.SendAsync(request, Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("done", await response.Content.ReadAsStringAsync(Ct));
        var seen = Assert.Single(upstream.Requests);
        Assert.Equal((method, "/v1/items/1?q=2", body ?? string.Empty), (seen.Method, seen.PathAndQuery, seen.Body));
        Assert.Equal(expectedLength, seen.Headers.GetValueOrDefault("content-length"));
        Assert.DoesNotContain("transfer-encoding", seen.Headers.Keys);
    }

    [Fact]
    public async Task Response_UpstreamBreaksOffMidBody_ClientSeesABrokenAnswerAndTheVersionAConnectError()
    {
        // The upstream breaks off only once the client has the first part, so the break happens mid-body, not before it.
        var clientHasFirstPart = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var upstream = await RecordingUpstream.StartAsync(async c =>
        {
            c.Response.ContentType = "application/json";
            c.Response.ContentLength = 10_000;
            await c.Response.WriteAsync("{\"partial\":", c.RequestAborted);
            await c.Response.Body.FlushAsync(c.RequestAborted);
            await clientHasFirstPart.Task.WaitAsync(c.RequestAborted);
            c.Abort();
        });
        await using var host = await GatewayHost.StartAsync(seed: store => GatewayHost.RegisterAsync(store, "svc", GatewayHost.Bundle(upstream.BaseAddress)));

        using var response = await host.Client.SendAsync(GatewayHost.Chat("svc"), HttpCompletionOption.ResponseHeadersRead, Ct);
        await using var body = await response.Content.ReadAsStreamAsync(Ct);
        var first = new byte[11];
        await body.ReadExactlyAsync(first, Ct);
        clientHasFirstPart.SetResult();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("{\"partial\":", System.Text.Encoding.UTF8.GetString(first));
        await Assert.ThrowsAnyAsync<IOException>(async () => await body.CopyToAsync(Stream.Null, Ct));
        var signals = await Eventually(() => host.Signals.Get("svc", 1).AggregateLast(TimeSpan.FromMinutes(1)), s => s.Requests == 1);
        Assert.Equal(1, signals.Errors.Connect);
    }

    [Fact]
    public async Task Stream_ClientGoesAway_UpstreamRequestIsCancelledAndNothingIsCountedAgainstTheVersion()
    {
        var upstreamCancelled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var upstream = await RecordingUpstream.StartAsync(async c =>
        {
            c.Response.ContentType = "text/event-stream";
            await c.Response.WriteAsync("data: {\"choices\":[]}\n\n", c.RequestAborted);
            await c.Response.Body.FlushAsync(c.RequestAborted);
            try
            {
                await Task.Delay(Timeout.Infinite, c.RequestAborted);
            }
            catch (OperationCanceledException)
            {
                upstreamCancelled.SetResult();
            }
        });
        await using var host = await GatewayHost.StartAsync(time: new Microsoft.Extensions.Time.Testing.FakeTimeProvider(DateTimeOffset.UnixEpoch), seed: store => GatewayHost.RegisterAsync(store, "svc", GatewayHost.Bundle(upstream.BaseAddress)));

        using var response = await host.Client.SendAsync(GatewayHost.Chat("svc"), HttpCompletionOption.ResponseHeadersRead, Ct);
        await using var body = await response.Content.ReadAsStreamAsync(Ct);
        Assert.True(await body.ReadAsync(new byte[64], Ct) > 0);

        // Cancelling a read of the body makes the client abort its connection to the gateway.
        using var leave = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var pending = body.ReadAsync(new byte[64], leave.Token).AsTask();
        await leave.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => pending);

        // The gateway runs on a clock that never moves, so no timeout can end the upstream request: only the client leaving.
        await upstreamCancelled.Task.WaitAsync(TimeSpan.FromSeconds(10), Ct);
        Assert.Equal(0, host.Signals.Get("svc", 1).AggregateLast(TimeSpan.FromMinutes(1)).Requests);
    }

    // The gateway records the attempt after the client saw the break, so the test waits (bounded) for the record.
    private static async Task<T> Eventually<T>(Func<T> read, Func<T, bool> done)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        deadline.CancelAfter(TimeSpan.FromSeconds(10));
        while (true)
        {
            var value = read();
            if (done(value))
            {
                return value;
            }

            await Task.Delay(10, deadline.Token);
        }
    }

    [Fact]
    public async Task Response_Stable5xxWithoutBody_PassesAsIsAndCounts()
    {
        await using var upstream = await RecordingUpstream.StartAsync(c =>
        {
            c.Response.StatusCode = 503;
            c.Response.Headers.RetryAfter = "3";
            return Task.CompletedTask;
        });
        await using var host = await GatewayHost.StartAsync(seed: store => GatewayHost.RegisterAsync(store, "svc", GatewayHost.Bundle(upstream.BaseAddress)));

        using var response = await host.Client.SendAsync(GatewayHost.Chat("svc"), Ct);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("3", response.Headers.GetValues("Retry-After").Single());
        Assert.Equal(string.Empty, await response.Content.ReadAsStringAsync(Ct));

        // An empty answer can reach the client before the forwarder has recorded it: wait for the count, not the status.
        var signals = await Eventually(() => host.Signals.Get("svc", 1).AggregateLast(TimeSpan.FromMinutes(1)), s => s.Requests == 1);
        Assert.Equal(1, signals.Errors.Http5xx);
    }
}
