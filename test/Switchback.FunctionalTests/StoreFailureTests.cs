using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Data.Sqlite;
using Switchback.FunctionalTests.Infrastructure;

namespace Switchback.FunctionalTests;

/// <summary>A store that disappears, is locked or cannot be reached under a running <c>serve</c> (issue 17).</summary>
public sealed class StoreFailureTests : IDisposable
{
    private readonly TempDir dir = new();

    public void Dispose() => dir.Dispose();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task StoreFileDeleted_WhileServing_ReadyzAndMutationsAnswer503NamingTheFile()
    {
        using var server = await ServerProcess.StartAsync(dir.SqliteStore);
        using var http = server.CreateHttpClient();
        Assert.Equal(0, (await server.CliAsync("apply", "-f", dir.Write("bot.yaml", Manifests.TwoVersions()))).ExitCode);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("readyz", Ct)).StatusCode);

        foreach (var suffix in new[] { string.Empty, "-wal", "-shm" })
        {
            File.Delete(dir.File("s.db") + suffix);
        }

        var ready = await http.GetAsync("readyz", Ct);
        var alias = await http.PutAsJsonAsync("api/v1/deployments/support-bot/aliases/stable", new { version = 2, reason = "after rm" }, Ct);
        var key = await http.PostAsJsonAsync("api/v1/keys", new { name = "ci", role = "operator" }, Ct);

        foreach (var response in new[] { ready, alias, key })
        {
            var body = await response.Content.ReadAsStringAsync(Ct);
            Assert.True(response.StatusCode == HttpStatusCode.ServiceUnavailable, $"{response.RequestMessage!.RequestUri}: {(int)response.StatusCode} {body}");
            var error = JsonNode.Parse(body)!["error"]!;
            Assert.Equal("store_unavailable", error["code"]!.GetValue<string>());
            Assert.Contains($"store file at {dir.File("s.db")} was deleted or replaced", error["message"]!.GetValue<string>());
        }

        Assert.NotNull(alias.Headers.RetryAfter);
        Assert.False(File.Exists(dir.File("s.db")), "nothing may create a fresh file while the server runs");
    }

    [Fact]
    public async Task Restart_AfterTheStoreFileWasDeleted_SaysLoudlyThatANewEmptyStoreWasCreated()
    {
        using (var first = await ServerProcess.StartAsync(dir.SqliteStore))
        {
            Assert.Contains($"Created a new, empty store at {dir.File("s.db")}", first.Stdout);
            first.Kill();
        }

        foreach (var suffix in new[] { string.Empty, "-wal", "-shm" })
        {
            File.Delete(dir.File("s.db") + suffix);
        }

        using var second = await ServerProcess.StartAsync(dir.SqliteStore);
        using var third = await RestartAsync(second);

        Assert.Contains($"Created a new, empty store at {dir.File("s.db")}", second.Stdout);
        Assert.Contains($"created a new, empty store at {dir.File("s.db")}", second.Stderr);
        Assert.Contains("warn", second.Stderr);
        Assert.DoesNotContain("Created a new, empty store", third.Stdout);
    }

    [Fact]
    public async Task StoreLockedByAnotherProcess_AliasChangeAnswers503WithRetryAfterWithinSeconds_AndReadyzSaysWhy()
    {
        using var server = await ServerProcess.StartAsync(dir.SqliteStore);
        using var http = server.CreateHttpClient();
        Assert.Equal(0, (await server.CliAsync("apply", "-f", dir.Write("bot.yaml", Manifests.TwoVersions()))).ExitCode);

        // Another process (this test) holds the file's write lock, as `sqlite3 FILE` with BEGIN EXCLUSIVE would.
        await using (var holder = new SqliteConnection($"Data Source={dir.File("s.db")};Pooling=False;Mode=ReadWrite"))
        {
            await holder.OpenAsync(Ct);
            await using (var begin = holder.CreateCommand())
            {
                begin.CommandText = "BEGIN EXCLUSIVE";
                await begin.ExecuteNonQueryAsync(Ct);
            }

            var clock = Stopwatch.StartNew();
            var alias = await http.PutAsJsonAsync("api/v1/deployments/support-bot/aliases/stable", new { version = 2, reason = "while locked" }, Ct);
            var elapsed = clock.Elapsed;
            var ready = await http.GetAsync("readyz", Ct);

            var aliasBody = await alias.Content.ReadAsStringAsync(Ct);
            Assert.True(alias.StatusCode == HttpStatusCode.ServiceUnavailable, $"{(int)alias.StatusCode} {aliasBody}");
            Assert.Equal("store_unavailable", JsonNode.Parse(aliasBody)!["error"]!["code"]!.GetValue<string>());
            Assert.Contains("locked", aliasBody);
            Assert.NotNull(alias.Headers.RetryAfter);
            Assert.True(elapsed < TimeSpan.FromSeconds(15), $"the alias change took {elapsed}");
            var readyBody = await ready.Content.ReadAsStringAsync(Ct);
            Assert.True(ready.StatusCode == HttpStatusCode.ServiceUnavailable, $"{(int)ready.StatusCode} {readyBody}");
            Assert.Contains("locked", readyBody);
        }

        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("readyz", Ct)).StatusCode);
        var after = await http.PutAsJsonAsync("api/v1/deployments/support-bot/aliases/stable", new { version = 2, reason = "lock released" }, Ct);
        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
    }

    [Fact]
    public async Task PostgresDatabaseGone_AdminCallsAnswer503Not500()
    {
        await using var database = await PostgresDatabase.CreateAsync();
        using var server = await ServerProcess.StartAsync(database.StoreSpec);
        using var http = server.CreateHttpClient();
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("api/v1/deployments", Ct)).StatusCode);

        await database.DropAsync();
        var key = await http.PostAsJsonAsync("api/v1/keys", new { name = "ci", role = "operator" }, Ct);

        var body = await key.Content.ReadAsStringAsync(Ct);
        Assert.True(key.StatusCode == HttpStatusCode.ServiceUnavailable, $"{(int)key.StatusCode} {body}");
        Assert.Equal("store_unavailable", JsonNode.Parse(body)!["error"]!["code"]!.GetValue<string>());
        Assert.NotNull(key.Headers.RetryAfter);
        Assert.DoesNotContain("Password", body, StringComparison.OrdinalIgnoreCase);
    }

    private async Task<ServerProcess> RestartAsync(ServerProcess running)
    {
        running.Kill();
        return await ServerProcess.StartAsync(dir.SqliteStore);
    }
}
