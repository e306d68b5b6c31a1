using Npgsql;
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
        var admin = Environment.GetEnvironmentVariable("SWITCHBACK_TEST_POSTGRES");
        Assert.False(
            string.IsNullOrWhiteSpace(admin),
            "SWITCHBACK_TEST_POSTGRES is not set: run the tests with ./scripts/test.sh, which starts a throwaway PostgreSQL and sets it.");
        var database = "sb_" + Guid.NewGuid().ToString("N");
        await ExecuteAsync(admin!, $"CREATE DATABASE {database}");
        try
        {
            var connection = new NpgsqlConnectionStringBuilder(admin) { Database = database }.ConnectionString;
            await RunAsync("postgres:" + connection);
        }
        finally
        {
            await ExecuteAsync(admin!, $"DROP DATABASE IF EXISTS {database} WITH (FORCE)");
        }
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

    private static async Task ExecuteAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
