using System.Net;
using System.Text.Json.Nodes;
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

    [Fact]
    public async Task AuditVerifyWithAnchor_AfterTheTailWasCutAndTheHeadRewoundInTheFile_ExitsOneSayingTheEntryIsMissing()
    {
        Assert.Equal(0, (await server.CliAsync("apply", "-f", dir.Write("bot.yaml", Manifests.TwoVersions()))).ExitCode);
        var head = await server.CliAsync("audit", "head", "--output", "json");
        Assert.True(head.ExitCode == 0, head.ToString());
        var anchor = JsonNode.Parse(head.Stdout)!["anchor"]!.GetValue<string>();
        var sequence = JsonNode.Parse(head.Stdout)!["sequence"]!.GetValue<long>();
        var text = await server.CliAsync("audit", "head");
        Assert.Contains($"Audit head: entry {sequence}, hash sha256:", text.Stdout);
        Assert.Contains($"Anchor: {anchor}", text.Stdout);
        Assert.Equal(0, (await server.CliAsync("audit", "verify", "--anchor", anchor)).ExitCode);

        await ExecuteOnFileAsync(
            $"DELETE FROM audit_log WHERE seq > {sequence - 2}",
            $"UPDATE audit_head SET seq = {sequence - 2}, hash = (SELECT hash FROM audit_log WHERE seq = {sequence - 2})");

        var plain = await server.CliAsync("audit", "verify");
        var anchored = await server.CliAsync("audit", "verify", "--anchor", anchor);

        // Without the anchor the shorter chain is valid: the limit the anchor exists for.
        Assert.True(plain.ExitCode == 0, plain.ToString());
        Assert.True(anchored.ExitCode == 1, anchored.ToString());
        Assert.Contains($"entry {sequence} named by the anchor is missing", anchored.Stdout);
    }

    [Fact]
    public async Task AuditVerify_MalformedAnchor_CliExitsTwo_ApiAnswers400()
    {
        var cli = await server.CliAsync("audit", "verify", "--anchor", "12:not-a-hash");
        using var http = server.CreateHttpClient();
        var api = await http.GetAsync("api/v1/audit/verify?anchor=12", TestContext.Current.CancellationToken);

        Assert.True(cli.ExitCode == 2, cli.ToString());
        Assert.Contains("SEQ:HASH", cli.Stderr);
        Assert.Equal(HttpStatusCode.BadRequest, api.StatusCode);
        Assert.Contains("invalid_anchor", await api.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task AuditHead_IsInTheServerLogAtStart_AndReadableByAViewer()
    {
        var viewer = JsonNode.Parse((await server.CliAsync("key", "create", "--role", "viewer", "--name", "auditor", "--output", "json")).Stdout)!["key"]!.GetValue<string>();

        var head = await server.CliWithKeyAsync(viewer, "audit", "head", "--output", "json");

        Assert.True(head.ExitCode == 0, head.ToString());
        Assert.Equal(2, JsonNode.Parse(head.Stdout)!["sequence"]!.GetValue<long>());
        Assert.Matches(@"Audit head: entry 1, hash sha256:[0-9a-f]{64} \(anchor 1:sha256:[0-9a-f]{64}\)", server.Stderr);
    }

    private async Task ExecuteOnFileAsync(params string[] statements)
    {
        await using var connection = new SqliteConnection($"Data Source={dir.File("s.db")};Pooling=False");
        await connection.OpenAsync(TestContext.Current.CancellationToken);
        foreach (var sql in statements)
        {
            await using var command = connection.CreateCommand();
            command.CommandText = sql;
            await command.ExecuteNonQueryAsync(TestContext.Current.CancellationToken);
        }
    }
}
