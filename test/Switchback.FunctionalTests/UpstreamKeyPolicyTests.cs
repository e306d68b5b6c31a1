using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Switchback.FunctionalTests.Infrastructure;

namespace Switchback.FunctionalTests;

/// <summary>
/// <c>model.api_key_env</c> names a variable of the server's environment whose value goes to the bundle's own endpoint:
/// registration refuses the names the server's policy refuses, and the gateway refuses to serve a bundle that got in
/// under a looser policy, so the value never leaves.
/// </summary>
public sealed class UpstreamKeyPolicyTests : IDisposable
{
    private const string LegacySecret = "legacy-upstream-secret-9d2f7c";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private readonly TempDir dir = new();

    public void Dispose() => dir.Dispose();

    [Fact]
    public async Task Register_ApiKeyEnvSwitchbackAdminKey_Is400NamingTheFieldVariableAndRule_AndApplySaysSo()
    {
        using var server = await ServerProcess.StartAsync(dir.SqliteStore);
        using var admin = server.CreateHttpClient();

        using var response = await admin.PostAsync("api/v1/versions?source=bot.yaml", new StringContent(Manifests.Bundle(apiKeyEnv: "SWITCHBACK_ADMIN_KEY"), Encoding.UTF8, "application/yaml"), Ct);
        var apply = await server.CliAsync("apply", "-f", dir.Write("bot.yaml", Manifests.Bundle(apiKeyEnv: "SWITCHBACK_ADMIN_KEY")));
        var allowed = await server.CliAsync("apply", "-f", dir.Write("ok.yaml", Manifests.Bundle(deployment: "ok-bot", apiKeyEnv: "VLLM_API_KEY")));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = JsonNode.Parse(await response.Content.ReadAsStringAsync(Ct))!["error"]!;
        Assert.Equal("api_key_env_not_allowed", (string?)error["code"]);
        var detail = error["details"]![0]!;
        Assert.Equal("model.api_key_env", (string?)detail["path"]);
        Assert.Contains("'SWITCHBACK_ADMIN_KEY'", (string?)detail["message"], StringComparison.Ordinal);
        Assert.Contains("'SWITCHBACK_*'", (string?)detail["message"], StringComparison.Ordinal);
        Assert.Equal(1, apply.ExitCode);
        Assert.Contains("model.api_key_env", apply.Stderr, StringComparison.Ordinal);
        Assert.Contains("SWITCHBACK_ADMIN_KEY", apply.Stderr, StringComparison.Ordinal);
        Assert.True(allowed.ExitCode == 0, allowed.ToString());
        using var missing = await admin.GetAsync("api/v1/deployments/support-bot", Ct);
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }

    [Fact]
    public async Task Serve_UpstreamKeyVarsFromEnvironment_DecidesWhatRegisters()
    {
        using var server = await ServerProcess.StartAsync(dir.SqliteStore, environment: new Dictionary<string, string?> { ["SWITCHBACK_UPSTREAM_KEY_VARS"] = "ACME_*" });

        var refused = await server.CliAsync("apply", "-f", dir.Write("a.yaml", Manifests.Bundle(apiKeyEnv: "VLLM_API_KEY")));
        var allowed = await server.CliAsync("apply", "-f", dir.Write("b.yaml", Manifests.Bundle(deployment: "acme-bot", apiKeyEnv: "ACME_UPSTREAM")));

        Assert.Equal(1, refused.ExitCode);
        Assert.Contains("'VLLM_API_KEY' matches none of the patterns this server allows (ACME_*)", refused.Stderr, StringComparison.Ordinal);
        Assert.True(allowed.ExitCode == 0, allowed.ToString());
    }

    [Fact]
    public async Task Gateway_BundleRegisteredUnderALooserPolicy_IsRefusedAfterRestartAndItsSecretIsNeverSentAgain()
    {
        await using var upstream = await CredentialRecorder.StartAsync();
        var environment = new Dictionary<string, string?> { ["LEGACY_UPSTREAM"] = LegacySecret };
        var manifest = dir.Write("legacy.yaml", Manifests.Bundle(endpoint: upstream.Endpoint, apiKeyEnv: "LEGACY_UPSTREAM"));
        var servedBefore = 0;
        using (var loose = await ServerProcess.StartAsync(dir.SqliteStore, environment: environment, arguments: ["--upstream-key-vars", "LEGACY_*"]))
        {
            var apply = await loose.CliAsync("apply", "-f", manifest);
            Assert.True(apply.ExitCode == 0, apply.ToString());
            using var client = loose.CreateHttpClient(apiKey: null);
            using var response = await client.PostAsync("v1/chat/completions", Chat(), Ct);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Contains(upstream.Requests, r => r == $"POST /v1/chat/completions Bearer {LegacySecret}");
            loose.Kill();
            servedBefore = upstream.Requests.Count;
        }

        using var strict = await ServerProcess.StartAsync(dir.SqliteStore, environment: environment);
        using var strictClient = strict.CreateHttpClient(apiKey: null);
        using var refused = await strictClient.PostAsync("v1/chat/completions", Chat(), Ct);

        var body = await refused.Content.ReadAsStringAsync(Ct);
        Assert.Equal(HttpStatusCode.InternalServerError, refused.StatusCode);
        Assert.Equal("upstream_key_refused", (string?)JsonNode.Parse(body)!["error"]!["code"]);
        Assert.DoesNotContain(LegacySecret, body, StringComparison.Ordinal);
        Assert.DoesNotContain(upstream.Requests.Skip(servedBefore), r => r.Contains(LegacySecret, StringComparison.Ordinal) || r.StartsWith("POST", StringComparison.Ordinal));
    }

    private static StringContent Chat()
        => new("""{"model":"support-bot","messages":[{"role":"user","content":"hi"}]}""", Encoding.UTF8, "application/json");
}
