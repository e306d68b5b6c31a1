using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Switchback.Gateway.Tests.Hosting;

namespace Switchback.Gateway.Tests.Application;

/// <summary>
/// A prompt template is code run per request with the client's variables: whatever it does, it stops at the gateway's
/// limits with 400 <c>template_limit_exceeded</c>, quickly, and nothing goes upstream.
/// </summary>
public sealed class TemplateLimitTests
{
    private const int OneMiB = 1024 * 1024;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static TheoryData<string, JsonObject, string> Runaways => new()
    {
        // template, request variables, the limit the message must name
        { "{% for i in (1..n) %}{% for j in (1..n) %}x{% endfor %}{% endfor %}", new JsonObject { ["n"] = 9000 }, "step limit of 100000 steps" },
        { "{% for i in (1..n) %}{% for j in (1..n) %}{% endfor %}{% endfor %}", new JsonObject { ["n"] = 9000 }, "step limit of 100000 steps" },
        { "{% for i in (1..n) %}{{ chunk }}{% endfor %}", new JsonObject { ["n"] = 2000, ["chunk"] = new string('c', 1000) }, $"output limit of {OneMiB} bytes" },
        { "{% capture s %}{% for i in (1..n) %}{{ chunk }}{% endfor %}{% endcapture %}{{ s | size }}", new JsonObject { ["n"] = 2000, ["chunk"] = new string('c', 1000) }, $"output limit of {OneMiB} bytes" },
        { "{% assign s = 'x' %}{% for i in (1..n) %}{% assign s = s | append: s %}{% endfor %}{{ s | size }}", new JsonObject { ["n"] = 25 }, $"output limit of {OneMiB} bytes" },
        { "{{ s | replace: 'a', t | size }}", new JsonObject { ["s"] = new string('a', 5000), ["t"] = new string('t', 5000) }, $"output limit of {OneMiB} bytes" },
        { "{{ 'now' | date: w | size }}", new JsonObject { ["w"] = "%5000000Y" }, $"output limit of {OneMiB} bytes" },
        { "{{ (1..n) | size }}", new JsonObject { ["n"] = 1_000_000 }, "step limit of 100000 steps" },
        { "{% for i in (1..n) limit: 2 %}{{ i }}{% endfor %}", new JsonObject { ["n"] = 1_000_000 }, "step limit of 100000 steps" },
        { "{{ s | split: '' | size }}", new JsonObject { ["s"] = new string('s', 200_000) }, "step limit of 100000 steps" },
    };

    [Theory]
    [MemberData(nameof(Runaways))]
    public async Task Chat_RunawayTemplate_Is400TemplateLimitExceededQuicklyAndNothingIsSent(string template, JsonObject variables, string limit)
    {
        await using var upstream = await RecordingUpstream.StartAsync();
        await using var host = await GatewayHost.StartAsync(seed: store => GatewayHost.RegisterAsync(store, "svc", Bundle(upstream.BaseAddress, template)));
        var clock = Stopwatch.StartNew();

        using var response = await host.Client.PostAsync("/v1/chat/completions", Body(variables), Ct);

        var elapsed = clock.Elapsed;
        var body = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{(int)response.StatusCode}: {body[..Math.Min(body.Length, 300)]}");
        var error = JsonNode.Parse(body)!["error"]!;
        Assert.Equal(("invalid_request_error", "template_limit_exceeded"), ((string?)error["type"], (string?)error["code"]));
        Assert.Contains(limit, (string?)error["message"], StringComparison.Ordinal);
        Assert.Contains("svc@1", (string?)error["message"], StringComparison.Ordinal);
        Assert.True(elapsed < TimeSpan.FromSeconds(3), $"took {elapsed}");
        Assert.Empty(upstream.Requests);
    }

    [Fact]
    public async Task Chat_BodyLimitBelowTheOutputLimit_CapsTheRenderedPrompt()
    {
        await using var upstream = await RecordingUpstream.StartAsync();
        await using var host = await GatewayHost.StartAsync(
            configure: o => o.MaxRequestBodyBytes = 2048,
            seed: store => GatewayHost.RegisterAsync(store, "svc", Bundle(upstream.BaseAddress, "{% for i in (1..30) %}0123456789{{ pad }}{% endfor %}")));

        using var response = await host.Client.PostAsync("/v1/chat/completions", Body(new JsonObject { ["pad"] = new string('p', 90) }), Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("output limit of 2048 bytes", (string?)JsonNode.Parse(await response.Content.ReadAsStringAsync(Ct))!["error"]!["message"], StringComparison.Ordinal);
        Assert.Empty(upstream.Requests);
    }

    [Fact]
    public async Task Chat_OrdinaryTemplateWithLoopsAndFilters_StillRenders()
    {
        const string Template = "You help {{ company | upcase }}.{% for p in (1..3) %} Rule {{ p }}: {{ rules | split: ',' | slice: p, 1 | join: '' | strip }}.{% endfor %}{% capture tail %} Be {{ tone | default: 'kind' }}.{% endcapture %}{{ tail }}";
        await using var upstream = await RecordingUpstream.StartAsync();
        await using var host = await GatewayHost.StartAsync(seed: store => GatewayHost.RegisterAsync(store, "svc", Bundle(upstream.BaseAddress, Template)));

        using var response = await host.Client.PostAsync("/v1/chat/completions", Body(new JsonObject { ["company"] = "Acme", ["rules"] = "x, be brief, cite, ask", ["tone"] = "formal" }), Ct);

        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync(Ct));
        var sent = JsonNode.Parse(Assert.Single(upstream.Requests).Body)!;
        Assert.Equal("You help ACME. Rule 1: be brief. Rule 2: cite. Rule 3: ask. Be formal.", (string?)sent["messages"]![0]!["content"]);
    }

    private static JsonObject Bundle(Uri endpoint, string system) => GatewayHost.Bundle(endpoint, extra: new JsonObject
    {
        ["prompt"] = new JsonObject { ["system"] = system },
    });

    private static StringContent Body(JsonObject variables) => new(
        new JsonObject
        {
            ["model"] = "svc",
            ["messages"] = new JsonArray(new JsonObject { ["role"] = "user", ["content"] = "hi" }),
            ["switchback"] = new JsonObject { ["variables"] = variables },
        }.ToJsonString(),
        Encoding.UTF8,
        "application/json");
}
