using Microsoft.Data.Sqlite;
using Switchback.FunctionalTests.Infrastructure;

namespace Switchback.FunctionalTests;

public sealed class AuditTamperTests : IAsyncLifetime
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
    public async Task AuditVerify_AfterEditingAnEntryInTheFile_ExitsOneNamingTheEntry()
    {
        Assert.Equal(0, (await server.CliAsync("apply", "-f", dir.Write("bot.yaml", Manifests.TwoVersions()))).ExitCode);
        var ok = await server.CliAsync("audit", "verify");
        Assert.True(ok.ExitCode == 0, ok.ToString());
        Assert.Contains("OK", ok.Stdout);

        await using (var connection = new SqliteConnection($"Data Source={dir.File("s.db")};Pooling=False"))
        {
            await connection.OpenAsync(TestContext.Current.CancellationToken);
            await using var update = connection.CreateCommand();
            update.CommandText = "UPDATE audit_log SET actor = 'mallory' WHERE seq = 2";
            Assert.Equal(1, await update.ExecuteNonQueryAsync(TestContext.Current.CancellationToken));
        }

        var broken = await server.CliAsync("audit", "verify");

        Assert.True(broken.ExitCode == 1, broken.ToString());
        Assert.Contains("entry 2", broken.Stdout);
    }
}
