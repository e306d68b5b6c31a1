using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Switchback.FunctionalTests.Infrastructure;

namespace Switchback.FunctionalTests.Dashboard;

/// <summary>How <c>switchback serve</c> hands out the console's embedded files, and the <c>/whoami</c> the console signs in with.</summary>
public sealed class DashboardServeTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Ui_ServedFromBinary_SelfContainedWithPolicyAndRevalidation()
    {
        using var dir = new TempDir();
        using var server = await ServerProcess.StartAsync(dir.SqliteStore);
        using var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = new Uri(server.Url + "/") };

        using var bare = await http.GetAsync("ui", Ct);
        Assert.Equal((HttpStatusCode.Redirect, "/ui/"), (bare.StatusCode, bare.Headers.Location?.ToString()));
        using var index = await http.GetAsync("ui/", Ct);
        Assert.Equal(HttpStatusCode.OK, index.StatusCode);
        Assert.Equal("text/html", index.Content.Headers.ContentType?.MediaType);
        Assert.Contains("script-src 'self'", index.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
        var html = await index.Content.ReadAsStringAsync(Ct);
        Assert.Contains("src=\"console.js\"", html, StringComparison.Ordinal);
        foreach (var asset in new[] { "ui/", "ui/console.js", "ui/console.css" })
        {
            var text = await http.GetStringAsync(asset, Ct);
            Assert.DoesNotContain("http://", text, StringComparison.Ordinal);
            Assert.DoesNotContain("https://", text, StringComparison.Ordinal);
        }

        using var first = await http.GetAsync("ui/console.js", Ct);
        using var again = new HttpRequestMessage(HttpMethod.Get, "ui/console.js");
        again.Headers.IfNoneMatch.Add(first.Headers.ETag!);
        using var notModified = await http.SendAsync(again, Ct);
        Assert.Equal(HttpStatusCode.NotModified, notModified.StatusCode);
        using var missing = await http.GetAsync("ui/../api/v1/keys", Ct);
        using var unknown = await http.GetAsync("ui/nothing.js", Ct);
        Assert.NotEqual(HttpStatusCode.OK, missing.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
    }

    [Fact]
    public async Task WhoAmI_ViewerKey_NameAndRole_NoKeyRefused()
    {
        using var dir = new TempDir();
        using var server = await ServerProcess.StartAsync(dir.SqliteStore);
        var viewer = JsonNode.Parse((await server.CliAsync("key", "create", "--role", "viewer", "--name", "eyes", "--output", "json")).Stdout)!["key"]!.GetValue<string>();
        using var asViewer = server.CreateHttpClient(viewer);
        using var anonymous = server.CreateHttpClient(apiKey: null);

        var me = await asViewer.GetFromJsonAsync<JsonNode>("api/v1/whoami", Ct);
        using var refused = await anonymous.GetAsync("api/v1/whoami", Ct);

        Assert.Equal(("eyes", "viewer"), (me!["name"]!.GetValue<string>(), me["role"]!.GetValue<string>()));
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.DoesNotContain(viewer, me.ToJsonString(), StringComparison.Ordinal);
    }
}
