using System.Text.Json.Nodes;
using Switchback.FunctionalTests.Infrastructure;

namespace Switchback.FunctionalTests;

public sealed class KeyTests : IAsyncLifetime
{
    private readonly TempDir dir = new();
    private ServerProcess server = null!;

    public async ValueTask InitializeAsync() => server = await ServerProcess.StartAsync(dir.SqliteStore);

    public ValueTask DisposeAsync()
    {
        server.Dispose();
        dir.Dispose();
        return ValueTask.CompletedTask;
    }

    [Fact]
    public async Task KeyLifecycle_CreateListRevoke_RevokedKeyIsRefused()
    {
        var create = await server.CliAsync("key", "create", "--role", "viewer", "--name", "dashboard", "--output", "json");
        Assert.True(create.ExitCode == 0, create.ToString());
        var key = JsonNode.Parse(create.Stdout)!["key"]!.GetValue<string>();
        Assert.StartsWith("sb_", key);

        var list = await server.CliAsync("key", "list");
        Assert.True(list.ExitCode == 0, list.ToString());
        Assert.Contains("dashboard", list.Stdout);
        Assert.Contains("viewer", list.Stdout);
        Assert.DoesNotContain(key, list.Stdout);
        var listJson = await server.CliAsync("key", "list", "--output", "json");
        Assert.DoesNotContain("hash", listJson.Stdout);

        var asViewer = await server.CliWithKeyAsync(key, "audit", "verify");
        Assert.True(asViewer.ExitCode == 0, asViewer.ToString());
        var viewerCannotCreate = await server.CliWithKeyAsync(key, "key", "create", "--role", "admin", "--name", "escalate");
        Assert.Equal(1, viewerCannotCreate.ExitCode);
        Assert.Contains("admin role", viewerCannotCreate.Stderr);

        var revoke = await server.CliAsync("key", "revoke", "dashboard");
        Assert.True(revoke.ExitCode == 0, revoke.ToString());
        var refused = await server.CliWithKeyAsync(key, "audit", "verify");
        Assert.Equal(1, refused.ExitCode);
        Assert.Contains("not valid", refused.Stderr);
        var listed = JsonNode.Parse((await server.CliAsync("key", "list", "--output", "json")).Stdout)!["keys"]!.AsArray();
        Assert.False(listed.Single(k => k!["name"]!.GetValue<string>() == "dashboard")!["active"]!.GetValue<bool>());
        Assert.DoesNotContain(key, server.Stdout + server.Stderr);
        Assert.Contains("dashboard", server.Stderr);
    }

    [Fact]
    public async Task KeyCreate_DuplicateNameOrBadRole_IsRefused()
    {
        Assert.Equal(0, (await server.CliAsync("key", "create", "--role", "operator", "--name", "ci")).ExitCode);

        var duplicate = await server.CliAsync("key", "create", "--role", "viewer", "--name", "ci");
        var badRole = await server.CliAsync("key", "create", "--role", "root", "--name", "other");
        var lastAdmin = await server.CliAsync("key", "revoke", "admin");

        Assert.Equal(1, duplicate.ExitCode);
        Assert.Contains("already exists", duplicate.Stderr);
        Assert.Equal(2, badRole.ExitCode);
        Assert.Equal(1, lastAdmin.ExitCode);
        Assert.Contains("last active admin key", lastAdmin.Stderr);
    }
}
