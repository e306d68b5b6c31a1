using System.Net;
using Switchback.FunctionalTests.Infrastructure;

namespace Switchback.FunctionalTests;

public sealed class CrashRecoveryTests : IDisposable
{
    private readonly TempDir dir = new();

    public void Dispose() => dir.Dispose();

    [Fact]
    public Task Sigkill_BetweenRegistrations_Sqlite_NothingLostAndAuditIntact()
        => RunAsync(dir.SqliteStore);

    [Fact]
    public async Task Sigkill_BetweenRegistrations_Postgres_NothingLostAndAuditIntact()
    {
        await using var database = await PostgresDatabase.CreateAsync();
        await RunAsync(database.StoreSpec);
    }

    [Fact]
    public async Task Readyz_PostgresDatabaseGone_Returns503()
    {
        await using var database = await PostgresDatabase.CreateAsync();
        using var server = await ServerProcess.StartAsync(database.StoreSpec);
        using var http = server.CreateHttpClient(apiKey: null);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("readyz", TestContext.Current.CancellationToken)).StatusCode);

        await database.DropAsync();
        var response = await http.GetAsync("readyz", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Contains("store_unavailable", await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("healthz", TestContext.Current.CancellationToken)).StatusCode);
    }

    private async Task RunAsync(string store)
    {
        using (var first = await ServerProcess.StartAsync(store))
        {
            var one = await first.CliAsync("bundle", "register", "-f", dir.Write("v1.yaml", Manifests.Bundle(version: 1)));
            Assert.True(one.ExitCode == 0, one.ToString());
            first.Kill();
            Assert.True(first.Child.Process.HasExited);
        }

        using var second = await ServerProcess.StartAsync(store);
        var two = await second.CliAsync("bundle", "register", "-f", dir.Write("v2.yaml", Manifests.Bundle(version: 2, temperature: 0.4)));
        Assert.True(two.ExitCode == 0, two.ToString());
        var list = await second.CliAsync("bundle", "list", "support-bot", "--output", "json");
        Assert.Contains("\"version\": 1", list.Stdout);
        Assert.Contains("\"version\": 2", list.Stdout);
        var verify = await second.CliAsync("audit", "verify");
        Assert.True(verify.ExitCode == 0, verify.ToString());
    }
}
