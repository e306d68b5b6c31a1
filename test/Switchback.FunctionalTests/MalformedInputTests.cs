using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Switchback.FunctionalTests.Infrastructure;

namespace Switchback.FunctionalTests;

public sealed class MalformedInputTests : IAsyncLifetime
{
    private readonly TempDir dir = new();
    private ServerProcess server = null!;

    public static TheoryData<string, string, string, string> BadRequests => new()
    {
        // method, path, body, text the message must contain
        { "POST", "api/v1/keys", "{not json", "not valid JSON" },
        { "POST", "api/v1/keys", "[1,2]", "JSON object" },
        { "POST", "api/v1/keys", """{"name":"ci"}""", "'role'" },
        { "POST", "api/v1/keys", """{"name":"Bad Name!","role":"viewer"}""", "Invalid key name" },
        { "POST", "api/v1/keys", """{"name":"ci","role":"root"}""", "'root' is not a role" },
        { "POST", "api/v1/keys", """{"name":42,"role":"viewer"}""", "must be a string" },
        { "PUT", "api/v1/deployments/support-bot/aliases/stable", """{"version":1}""", "'reason'" },
        { "PUT", "api/v1/deployments/support-bot/aliases/stable", """{"version":"abc","reason":"x"}""", "version number" },
        { "PUT", "api/v1/deployments/support-bot/aliases/Bad%20Alias", """{"version":1,"reason":"x"}""", "Invalid alias name" },
        { "POST", "api/v1/versions", string.Empty, "empty" },
        { "POST", "api/v1/versions", "kind: Rollout\ndeployment: support-bot\ncandidate: 2\nstrategy: canary\n", "registers bundles" },
        { "POST", "api/v1/versions", "{\"kind\": \"Bundle\", ", "manifest" },
        { "POST", "api/v1/deployments/support-bot/versions/zero/archive", "{}", "version number" },
        { "GET", "api/v1/deployments/support-bot/diff?from=1", string.Empty, "'to'" },
        { "GET", "api/v1/audit?limit=-5", string.Empty, "'limit'" },
    };

    public async ValueTask InitializeAsync()
    {
        server = await ServerProcess.StartAsync(dir.SqliteStore);
        Assert.Equal(0, (await server.CliAsync("apply", "-f", dir.Write("bot.yaml", Manifests.Bundle()))).ExitCode);
    }

    public ValueTask DisposeAsync()
    {
        server.Dispose();
        dir.Dispose();
        return ValueTask.CompletedTask;
    }

    [Theory]
    [MemberData(nameof(BadRequests))]
    public async Task Request_Malformed_Returns400WithClearMessageAndChangesNothing(string method, string path, string body, string expected)
    {
        var before = await AuditCountAsync();

        var (status, error) = await SendAsync(method, path, body);

        Assert.True(status == HttpStatusCode.BadRequest, $"{method} {path}: {(int)status} {error}");
        Assert.Equal("invalid_request_error", error["type"]!.GetValue<string>());
        Assert.Contains(expected, error["message"]!.GetValue<string>());
        Assert.Equal(before, await AuditCountAsync());
    }

    [Fact]
    public async Task RegisterVersion_InvalidManifest_Returns400WithDetails()
    {
        var (status, error) = await SendAsync("POST", "api/v1/versions?source=bad.yaml", Manifests.Bundle(deployment: "Not A Name"));

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("invalid_manifest", error["code"]!.GetValue<string>());
        var detail = error["details"]!.AsArray().First()!;
        Assert.Equal("bad.yaml", detail["source"]!.GetValue<string>());
        Assert.Equal("deployment", detail["path"]!.GetValue<string>());
    }

    [Fact]
    public async Task RegisterVersion_BodyOver10MiB_Returns413()
    {
        var huge = Manifests.Bundle(version: 7) + "labels: { padding: \"" + new string('x', 11 * 1024 * 1024) + "\" }\n";

        // Expect: 100-continue lets the server refuse on the Content-Length alone, before the client streams 11 MiB.
        var (status, error) = await SendAsync("POST", "api/v1/versions", huge, expectContinue: true);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, status);
        Assert.Equal("request_too_large", error["code"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("api/v1/deployments/nope", "deployment_not_found")]
    [InlineData("api/v1/deployments/support-bot/versions/9", "version_not_found")]
    [InlineData("api/v1/deployments/support-bot/diff?from=1&to=9", "version_not_found")]
    [InlineData("api/v1/no-such-route", "route_not_found")]
    public async Task Get_UnknownThing_Returns404(string path, string code)
    {
        var (status, error) = await SendAsync("GET", path, string.Empty);

        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Equal(code, error["code"]!.GetValue<string>());
    }

    private async Task<(HttpStatusCode Status, JsonNode Error)> SendAsync(string method, string path, string body, bool expectContinue = false)
    {
        using var http = server.CreateHttpClient();
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        request.Headers.ExpectContinue = expectContinue;
        if (body.Length > 0 || method != "GET")
        {
            request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        }

        using var response = await http.SendAsync(request, TestContext.Current.CancellationToken);
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        return (response.StatusCode, JsonNode.Parse(text)!["error"]!);
    }

    private async Task<int> AuditCountAsync()
    {
        using var admin = server.CreateHttpClient();
        return JsonNode.Parse(await admin.GetStringAsync("api/v1/audit"))!["entries"]!.AsArray().Count;
    }
}
