using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Switchback.FunctionalTests.Infrastructure;

namespace Switchback.FunctionalTests;

public sealed class AdminAuthTests : IAsyncLifetime
{
    private readonly TempDir dir = new();
    private ServerProcess server = null!;
    private string viewerKey = string.Empty;
    private string operatorKey = string.Empty;

    public static TheoryData<string, string, string, string> MutatingEndpoints => new()
    {
        // method, path, body, least role that may call it
        { "POST", "api/v1/versions", Manifests.Bundle(version: 5), "admin" },
        { "POST", "api/v1/deployments/support-bot/versions/2/archive", """{"reason":"x"}""", "admin" },
        { "PUT", "api/v1/deployments/support-bot/aliases/stable", """{"version":2,"reason":"x"}""", "operator" },
        { "POST", "api/v1/keys", """{"name":"intruder","role":"admin"}""", "admin" },
        { "DELETE", "api/v1/keys/ops", string.Empty, "admin" },
    };

    public async ValueTask InitializeAsync()
    {
        server = await ServerProcess.StartAsync(dir.SqliteStore);
        Assert.Equal(0, (await server.CliAsync("apply", "-f", dir.Write("bot.yaml", Manifests.TwoVersions()))).ExitCode);
        using var admin = server.CreateHttpClient();
        viewerKey = await CreateKeyAsync(admin, "viewer", "viewer");
        operatorKey = await CreateKeyAsync(admin, "operator", "ops");
    }

    public ValueTask DisposeAsync()
    {
        server.Dispose();
        dir.Dispose();
        return ValueTask.CompletedTask;
    }

    [Theory]
    [MemberData(nameof(MutatingEndpoints))]
    public async Task MutatingEndpoint_MissingWrongOrWeakKey_RefusedAndNothingChanges(string method, string path, string body, string leastRole)
    {
        var before = await AuditCountAsync();

        await AssertRefusedAsync(null, method, path, body, HttpStatusCode.Unauthorized);
        await AssertRefusedAsync("sb_wrong_key_that_does_not_exist_000", method, path, body, HttpStatusCode.Unauthorized);
        await AssertRefusedAsync(viewerKey, method, path, body, HttpStatusCode.Forbidden);
        if (leastRole == "admin")
        {
            await AssertRefusedAsync(operatorKey, method, path, body, HttpStatusCode.Forbidden);
        }

        Assert.Equal(before, await AuditCountAsync());
    }

    [Fact]
    public async Task ReadEndpoint_WithoutKey_Is401_WithViewerKey_Is200()
    {
        using var anonymous = server.CreateHttpClient(apiKey: null);
        using var viewer = server.CreateHttpClient(viewerKey);

        var refused = await anonymous.GetAsync("api/v1/deployments", TestContext.Current.CancellationToken);
        var allowed = await viewer.GetAsync("api/v1/deployments", TestContext.Current.CancellationToken);
        var keys = await viewer.GetAsync("api/v1/keys", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, keys.StatusCode);
    }

    [Theory]
    [InlineData("GET", "api/v1/no-such-route")]
    [InlineData("GET", "api/v1/deployments/support-bot/no-such-thing")]
    [InlineData("POST", "api/v1/internal/debug")]
    [InlineData("DELETE", "api/v1/deployments")]
    public async Task UnknownApiPath_WithoutKey_Is401_NotA404(string method, string path)
    {
        using var anonymous = server.CreateHttpClient(apiKey: null);
        using var wrong = server.CreateHttpClient("sb_wrong_key_that_does_not_exist_000");
        using var viewer = server.CreateHttpClient(viewerKey);

        using var refused = await anonymous.SendAsync(new HttpRequestMessage(new HttpMethod(method), path), TestContext.Current.CancellationToken);
        using var unknownKey = await wrong.SendAsync(new HttpRequestMessage(new HttpMethod(method), path), TestContext.Current.CancellationToken);
        using var found = await viewer.SendAsync(new HttpRequestMessage(new HttpMethod(method), path), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, unknownKey.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, found.StatusCode);
        var error = JsonNode.Parse(await found.Content.ReadAsStringAsync(TestContext.Current.CancellationToken))!["error"]!;
        Assert.Equal("route_not_found", error["code"]!.GetValue<string>());
    }

    [Fact]
    public async Task UnknownApiPath_LongPath_IsEchoedCut()
    {
        using var viewer = server.CreateHttpClient(viewerKey);

        var text = await (await viewer.GetAsync("api/v1/" + new string('x', 5000), TestContext.Current.CancellationToken)).Content.ReadAsStringAsync(TestContext.Current.CancellationToken);

        var message = JsonNode.Parse(text)!["error"]!["message"]!.GetValue<string>();
        Assert.True(message.Length < 300, message);
        Assert.Contains("characters)", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AliasSet_WithOperatorKey_IsAllowedAndAuditedUnderTheKeyName()
    {
        using var ops = server.CreateHttpClient(operatorKey);
        using var content = new StringContent("""{"version":2,"reason":"promote"}""", Encoding.UTF8, "application/json");

        var response = await ops.PutAsync("api/v1/deployments/support-bot/aliases/stable", content, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var admin = server.CreateHttpClient();
        var audit = JsonNode.Parse(await admin.GetStringAsync("api/v1/audit", TestContext.Current.CancellationToken))!["entries"]!.AsArray();
        Assert.Equal("ops", audit.Last()!["actor"]!.GetValue<string>());
    }

    private async Task AssertRefusedAsync(string? key, string method, string path, string body, HttpStatusCode expected)
    {
        using var http = server.CreateHttpClient(key);
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (body.Length > 0)
        {
            request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        }

        using var response = await http.SendAsync(request, TestContext.Current.CancellationToken);
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.True(response.StatusCode == expected, $"{method} {path} with {(key is null ? "no key" : key)}: {(int)response.StatusCode} {text}");
        var error = JsonNode.Parse(text)!["error"]!;
        Assert.False(string.IsNullOrEmpty(error["message"]!.GetValue<string>()));
        Assert.Equal(expected == HttpStatusCode.Unauthorized ? "authentication_error" : "permission_error", error["type"]!.GetValue<string>());
    }

    private async Task<int> AuditCountAsync()
    {
        using var admin = server.CreateHttpClient();
        return JsonNode.Parse(await admin.GetStringAsync("api/v1/audit"))!["entries"]!.AsArray().Count;
    }

    private static async Task<string> CreateKeyAsync(HttpClient admin, string role, string name)
    {
        using var content = new StringContent($$"""{"name":"{{name}}","role":"{{role}}"}""", Encoding.UTF8, "application/json");
        var response = await admin.PostAsync("api/v1/keys", content);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!["key"]!.GetValue<string>();
    }
}
