using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Switchback.Gateway.Api;
using Switchback.Gateway.Tests.Hosting;

namespace Switchback.Gateway.Tests.Api;

/// <summary>What the gateway does with hostile client input it reads or echoes: bad UTF-8 is a 400, echoes are short.</summary>
public sealed class ClientInputTests
{
    private const int EchoLimit = 128;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static TheoryData<string> InvalidUtf8Bodies => new()
    {
        """{"model":"sv#","messages":[]}""",
        """{"model":"svc","user":"#","messages":[]}""",
        """{"model":"svc","messages":[],"switchback":{"variables":{"x":"#"}}}""",
        """{"model":"svc","messages":[],"switchback":{"variables":{"#":"x"}}}""",
    };

    [Theory]
    [MemberData(nameof(InvalidUtf8Bodies))]
    public async Task Chat_InvalidUtf8InAFieldTheGatewayReads_Is400InvalidJson(string template)
    {
        await using var upstream = await RecordingUpstream.StartAsync();
        await using var host = await GatewayHost.StartAsync(seed: store => GatewayHost.RegisterAsync(store, "svc", GatewayHost.Bundle(upstream.BaseAddress)));

        // '#' marks where the body gets bytes that are not UTF-8: a lone continuation byte and an over-long encoding.
        var at = template.IndexOf('#', StringComparison.Ordinal);
        byte[] body = [.. Encoding.UTF8.GetBytes(template[..at]), 0x80, 0xC0, 0xAF, .. Encoding.UTF8.GetBytes(template[(at + 1)..])];
        using var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");

        using var response = await host.Client.PostAsync("/v1/chat/completions", content, Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = JsonNode.Parse(await response.Content.ReadAsStringAsync(Ct))!["error"]!;
        Assert.Equal("invalid_json", (string?)error["code"]);
        Assert.Equal("invalid_request_error", (string?)error["type"]);
        Assert.Empty(upstream.Requests);
    }

    [Theory]
    [InlineData("""{"model":"\ud800x","messages":[]}""")]
    [InlineData("""{"model":"svc","user":"\udc00","messages":[]}""")]
    public async Task Chat_LoneSurrogateEscapeInModelOrUser_Is400InvalidJson(string body)
    {
        await using var upstream = await RecordingUpstream.StartAsync();
        await using var host = await GatewayHost.StartAsync(seed: store => GatewayHost.RegisterAsync(store, "svc", GatewayHost.Bundle(upstream.BaseAddress)));

        using var response = await host.Client.PostAsync("/v1/chat/completions", new StringContent(body, Encoding.UTF8, "application/json"), Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("invalid_json", (string?)JsonNode.Parse(await response.Content.ReadAsStringAsync(Ct))!["error"]!["code"]);
        Assert.Empty(upstream.Requests);
    }

    [Theory]
    [InlineData("""{"request_id":"req_#","score":1}""")]
    [InlineData("""{"request_id":"req_1","score":1,"comment":"#"}""")]
    public async Task Feedback_InvalidUtf8_Is400InvalidJson(string template)
    {
        await using var host = await GatewayHost.StartAsync();
        var at = template.IndexOf('#', StringComparison.Ordinal);
        byte[] body = [.. Encoding.UTF8.GetBytes(template[..at]), 0xFF, 0xFE, .. Encoding.UTF8.GetBytes(template[(at + 1)..])];
        using var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");

        using var response = await host.Client.PostAsync("/v1/feedback", content, Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("invalid_json", (string?)JsonNode.Parse(await response.Content.ReadAsStringAsync(Ct))!["error"]!["code"]);
    }

    [Fact]
    public async Task Feedback_LoneSurrogateEscapeInRequestId_Is400()
    {
        await using var host = await GatewayHost.StartAsync();

        using var response = await host.Client.PostAsync("/v1/feedback", new StringContent("""{"request_id":"req_\ud800","score":1}""", Encoding.UTF8, "application/json"), Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("invalid_request_id", (string?)JsonNode.Parse(await response.Content.ReadAsStringAsync(Ct))!["error"]!["code"]);
    }

    [Fact]
    public void Echo_LoneSurrogate_IsReplaced() => Assert.Equal("a\uFFFDb", OpenAiErrors.Echo("a\ud800b"));

    [Fact]
    public void Echo_LongText_IsCutAtTheLimitAndMarked()
        => Assert.Equal(new string('x', EchoLimit) + "…", OpenAiErrors.Echo(new string('x', 1000)));

    [Fact]
    public void Echo_PairAcrossTheLimit_IsNotSplit()
        => Assert.Equal(new string('x', EchoLimit - 1) + "…", OpenAiErrors.Echo(new string('x', EchoLimit - 1) + "\U0001F600" + new string('y', 1000)));

    [Fact]
    public async Task Chat_HundredThousandCharacterModel_404EchoesOnlyAShortPrefix()
    {
        await using var host = await GatewayHost.StartAsync();
        var model = new string('m', 100_000);

        using var response = await host.Client.SendAsync(GatewayHost.Chat(model), Ct);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        var message = (string)JsonNode.Parse(await response.Content.ReadAsStringAsync(Ct))!["error"]!["message"]!;
        AssertShortEcho(message);
    }

    [Fact]
    public async Task Chat_LongPinAndLongVersionHeader_400EchoesOnlyAShortPrefix()
    {
        await using var upstream = await RecordingUpstream.StartAsync();
        await using var host = await GatewayHost.StartAsync(seed: store => GatewayHost.RegisterAsync(store, "svc", GatewayHost.Bundle(upstream.BaseAddress)));
        using var pinned = GatewayHost.Chat("svc@" + new string('9', 20_000));
        using var header = GatewayHost.Chat("svc");
        header.Headers.Add("x-switchback-version", new string('v', 6_000));

        using var pinnedResponse = await host.Client.SendAsync(pinned, Ct);
        using var headerResponse = await host.Client.SendAsync(header, Ct);

        foreach (var response in new[] { pinnedResponse, headerResponse })
        {
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            var error = JsonNode.Parse(await response.Content.ReadAsStringAsync(Ct))!["error"]!;
            Assert.Equal("invalid_version", (string?)error["code"]);
            AssertShortEcho((string)error["message"]!);
        }
    }

    [Fact]
    public async Task Raw_LongUnknownDeployment_404EchoesOnlyAShortPrefix()
    {
        await using var host = await GatewayHost.StartAsync();

        using var response = await host.Client.GetAsync("/d/" + new string('d', 4_000) + "/invocations", Ct);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        AssertShortEcho((string)JsonNode.Parse(await response.Content.ReadAsStringAsync(Ct))!["error"]!["message"]!);
    }

    [Fact]
    public async Task Feedback_LongUnknownRequestId_404EchoesOnlyAShortPrefix()
    {
        await using var host = await GatewayHost.StartAsync();
        var body = new JsonObject { ["request_id"] = "req_" + new string('r', 30_000), ["score"] = 1 }.ToJsonString();

        using var response = await host.Client.PostAsync("/v1/feedback", new StringContent(body, Encoding.UTF8, "application/json"), Ct);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        AssertShortEcho((string)JsonNode.Parse(await response.Content.ReadAsStringAsync(Ct))!["error"]!["message"]!);
    }

    private static void AssertShortEcho(string message)
    {
        // The echo is cut to EchoLimit characters and marked; the rest of the message is the gateway's own short text.
        Assert.True(message.Length < EchoLimit + 200, $"message of {message.Length} characters");
        Assert.Contains("…", message, StringComparison.Ordinal);
    }
}
