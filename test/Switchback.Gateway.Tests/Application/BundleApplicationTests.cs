using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Switchback.Gateway.Tests.Hosting;

namespace Switchback.Gateway.Tests.Application;

public sealed class BundleApplicationTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static JsonObject FullBundle(Uri endpoint, string system) => GatewayHost.Bundle(endpoint, "llama-up", new JsonObject
    {
        ["model"] = new JsonObject
        {
            ["provider"] = "openai",
            ["endpoint"] = new Uri(endpoint, "v1").ToString(),
            ["name"] = "llama-up",
            ["api_key_env"] = "SB_GATEWAY_TEST_UPSTREAM_KEY",
        },
        ["prompt"] = new JsonObject { ["system"] = system, ["variables"] = new JsonObject { ["company"] = "Acme", ["tone"] = "friendly" } },
        ["retrieval"] = new JsonObject { ["index"] = "kb", ["version"] = "2026-11-20" },
        ["tokenizer"] = new JsonObject { ["name"] = "llama3", ["version"] = "1" },
        ["serving"] = new JsonObject { ["temperature"] = 0.2, ["max_tokens"] = 512, ["seed"] = 7 },
    });

    [Fact]
    public async Task Chat_BundleApplied_UpstreamSeesRenderedPromptDefaultsModelCredentialAndPins()
    {
        Environment.SetEnvironmentVariable("SB_GATEWAY_TEST_UPSTREAM_KEY", "upstream-secret");
        await using var upstream = await RecordingUpstream.StartAsync();
        await using var host = await GatewayHost.StartAsync(seed: store =>
            GatewayHost.RegisterAsync(store, "svc", FullBundle(upstream.BaseAddress, "You are {{ company }}'s assistant, {{ tone }}, for {{ customer }} in {{ region }}.")));
        var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions?trace=1")
        {
            Content = new StringContent(
                """{"model":"svc","max_tokens":50,"messages":[{"role":"system","content":"client rules"},{"role":"user","content":"hi"}],"switchback":{"variables":{"customer":"Bob","tone":"formal"}}}""",
                Encoding.UTF8,
                "application/json"),
        };
        request.Headers.Add("x-switchback-var-region", "EU");
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", "client-gateway-key");

        using var response = await host.Client.SendAsync(request, Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var seen = Assert.Single(upstream.Requests);
        Assert.Equal("/v1/chat/completions?trace=1", seen.PathAndQuery);
        var body = JsonNode.Parse(seen.Body)!.AsObject();
        Assert.Equal("llama-up", (string?)body["model"]);
        Assert.Equal("You are Acme's assistant, formal, for Bob in EU.", (string?)body["messages"]![0]!["content"]);
        Assert.Equal("system", (string?)body["messages"]![0]!["role"]);
        Assert.Equal("client rules", (string?)body["messages"]![1]!["content"]);
        Assert.Equal(3, body["messages"]!.AsArray().Count);
        Assert.Equal(0.2, (double)body["temperature"]!);
        Assert.Equal(50, (int)body["max_tokens"]!);
        Assert.Equal(7, (int)body["seed"]!);
        Assert.False(body.ContainsKey("switchback"));
        Assert.Equal("Bearer upstream-secret", seen.Headers["authorization"]);
        Assert.Equal("kb@2026-11-20", seen.Headers["x-switchback-retrieval"]);
        Assert.Equal("llama3@1", seen.Headers["x-switchback-tokenizer"]);
        Assert.DoesNotContain("x-switchback-var-region", seen.Headers.Keys);
        Assert.DoesNotContain("upstream-secret", await response.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Chat_TemplateDoesNotParse_Is500WithClearError()
    {
        await using var upstream = await RecordingUpstream.StartAsync();
        await using var host = await GatewayHost.StartAsync(seed: store => GatewayHost.RegisterAsync(store, "svc", FullBundle(upstream.BaseAddress, "Hello {{ company ")));

        using var response = await host.Client.SendAsync(GatewayHost.Chat("svc"), Ct);

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        var error = JsonNode.Parse(await response.Content.ReadAsStringAsync(Ct))!["error"]!;
        Assert.Equal("bundle_template_invalid", (string?)error["code"]);
        Assert.Contains("svc@1", (string?)error["message"], StringComparison.Ordinal);
        Assert.Empty(upstream.Requests);
    }

    [Fact]
    public async Task Chat_TemplateVariableMissing_Is400NamingIt()
    {
        await using var upstream = await RecordingUpstream.StartAsync();
        await using var host = await GatewayHost.StartAsync(seed: store => GatewayHost.RegisterAsync(store, "svc", FullBundle(upstream.BaseAddress, "For {{ customer }}")));

        using var response = await host.Client.SendAsync(GatewayHost.Chat("svc"), Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("template_render_failed", await response.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        Assert.Empty(upstream.Requests);
    }

    [Fact]
    public async Task Raw_HttpProvider_ForwardsBodyUntouchedOntoEndpointPath()
    {
        await using var upstream = await RecordingUpstream.StartAsync(c => c.Response.WriteAsync("{\"predictions\":[1]}"));
        await using var host = await GatewayHost.StartAsync(seed: store => GatewayHost.RegisterAsync(store, "mlflow", new JsonObject
        {
            ["model"] = new JsonObject { ["provider"] = "http", ["endpoint"] = upstream.BaseAddress.ToString() },
            ["serving"] = new JsonObject { ["temperature"] = 0.5 },
        }));
        const string payload = """{"model":"keep-me","inputs":[[1,2]]}""";

        using var response = await host.Client.PostAsync("/d/mlflow/invocations", new StringContent(payload, Encoding.UTF8, "application/json"), Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("{\"predictions\":[1]}", await response.Content.ReadAsStringAsync(Ct));
        var seen = Assert.Single(upstream.Requests);
        Assert.Equal("/invocations", seen.PathAndQuery);
        Assert.Equal(payload, seen.Body);
        Assert.Equal("1", response.Headers.GetValues("x-switchback-version").Single());
    }
}
