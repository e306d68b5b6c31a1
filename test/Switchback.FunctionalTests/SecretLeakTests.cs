using System.Text;
using Switchback.FunctionalTests.Infrastructure;

namespace Switchback.FunctionalTests;

public sealed class SecretLeakTests : IDisposable
{
    private const string Secret = "s3cr3t-support-bot-upstream-key-7f3a9c";
    private readonly TempDir dir = new();

    public void Dispose() => dir.Dispose();

    [Fact]
    public async Task Server_BundleReferencesSecretEnv_SecretValueAppearsNowhere()
    {
        var seen = new StringBuilder();
        using var server = await ServerProcess.StartAsync(dir.SqliteStore, environment: new Dictionary<string, string?> { ["SUPPORT_BOT_KEY"] = Secret });
        var file = dir.Write("bot.yaml", Manifests.Bundle(version: 1, apiKeyEnv: "SUPPORT_BOT_KEY") + "---\n" + Manifests.Bundle(version: 2, temperature: 0.9, apiKeyEnv: "SUPPORT_BOT_KEY"));

        foreach (var args in new[]
        {
            new[] { "apply", "-f", file },
            ["apply", "-f", file, "--output", "json"],
            ["bundle", "list", "support-bot", "--all"],
            ["bundle", "show", "support-bot@1"],
            ["bundle", "show", "support-bot@1", "--output", "json"],
            ["bundle", "diff", "support-bot@1", "support-bot@2", "--output", "json"],
            ["alias", "set", "support-bot@2", "candidate", "--reason", "try"],
            ["history", "support-bot", "--output", "json"],
            ["audit", "verify"],
            ["key", "list", "--output", "json"],
        })
        {
            var result = await server.CliAsync(args);
            Assert.True(result.ExitCode == 0, string.Join(' ', args) + "\n" + result);
            seen.Append(result.All);
        }

        using var http = server.CreateHttpClient();
        foreach (var path in new[] { "api/v1/deployments", "api/v1/deployments/support-bot", "api/v1/deployments/support-bot/versions/1", "api/v1/deployments/support-bot/versions?include_archived=true", "api/v1/deployments/support-bot/history", "api/v1/audit", "api/v1/keys", "healthz", "readyz" })
        {
            seen.Append(await http.GetStringAsync(path, TestContext.Current.CancellationToken));
        }

        server.Kill();
        seen.Append(server.Stdout).Append(server.Stderr);
        var everything = seen.ToString();
        Assert.Contains("SUPPORT_BOT_KEY", everything);
        Assert.DoesNotContain(Secret, everything);
        Assert.DoesNotContain(ServerProcess.AdminKey, server.Stdout + server.Stderr);
    }
}
