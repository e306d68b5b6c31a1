using Switchback.Core.Audit;
using Switchback.Core.Bundles;
using Switchback.Storage.Postgres;
using Switchback.Storage.Sqlite;

namespace Switchback.Storage.Tests.Conformance;

public abstract partial class RegistryStoreConformance
{
    /// <summary>Migrations every store applies; both schemas list the same numbers (checked below).</summary>
    private static long MigrationCount => SqliteSchema.Migrations.Count;

    [Fact]
    public void Migrations_SqliteAndPostgres_HaveTheSameNumbersIncludingEvalReports()
    {
        var sqlite = SqliteSchema.Migrations.Select(m => (m.Version, m.Name)).ToList();
        Assert.Equal(sqlite, PostgresSchema.Migrations.Select(m => (m.Version, m.Name)));
        Assert.Contains((6, "eval-reports"), sqlite);
    }

    private static NewEvalReport Report(string digest, double mean = 0.75, string json = """{"aggregate":{"mean_score":0.75}}""")
        => new(digest, "sha256:" + new string('d', 64), mean, 0.5, 4, 1, json);

    [Fact]
    public async Task AddEvalReport_ExistingVersion_StoresListsGetsAndAudits()
    {
        var registered = await Store.RegisterAsync(Bundle("svc", "a"), Admin, Ct);
        var version = new VersionRef("svc", 1);

        var first = await Store.AddEvalReportAsync(version, Report(registered.Bundle.Digest), new AuditContext("ci"), Ct);
        var second = await Store.AddEvalReportAsync(version, Report(registered.Bundle.Digest, mean: 0.5), new AuditContext("ci"), Ct);

        Assert.Equal((1L, 2L), (first!.Id, second!.Id));
        Assert.Equal("ci", first.CreatedBy);
        var list = await Store.ListEvalReportsAsync(version, Ct);
        Assert.Equal([1L, 2L], list.Select(r => r.Id));
        Assert.All(list, r => Assert.Null(r.ReportJson));
        Assert.Equal([0.75, 0.5], list.Select(r => r.MeanScore));
        var got = await Store.GetEvalReportAsync(version, 1, Ct);
        Assert.Equal(first, got);
        Assert.Contains("\"mean_score\":0.75", got!.ReportJson, StringComparison.Ordinal);
        var last = (await Store.ListAuditAsync(new AuditQuery(Target: "svc"), Ct))[^1];
        Assert.Equal(("eval.run", "svc@1", "ci"), (last.Action, last.Target, last.Actor));
        Assert.Contains("\"id\":2", last.After, StringComparison.Ordinal);
        Assert.True((await Store.VerifyAuditAsync(Ct)).Ok);
    }

    [Fact]
    public async Task AddEvalReport_MissingVersion_ReturnsNullAndWritesNothing()
    {
        var registered = await Store.RegisterAsync(Bundle("svc", "a"), Admin, Ct);
        var before = await AuditActionsAsync();

        Assert.Null(await Store.AddEvalReportAsync(new VersionRef("svc", 9), Report(registered.Bundle.Digest), Admin, Ct));
        Assert.Null(await Store.AddEvalReportAsync(new VersionRef("other", 1), Report(registered.Bundle.Digest), Admin, Ct));

        Assert.Equal(before, await AuditActionsAsync());
        Assert.Empty(await Store.ListEvalReportsAsync(new VersionRef("svc", 9), Ct));
    }

    [Fact]
    public async Task AddEvalReport_BadReport_ThrowsAndWritesNothing()
    {
        var registered = await Store.RegisterAsync(Bundle("svc", "a"), Admin, Ct);
        var version = new VersionRef("svc", 1);
        var before = await AuditActionsAsync();

        await Assert.ThrowsAsync<ArgumentException>(() => Store.AddEvalReportAsync(version, Report("sha256:" + new string('0', 64)), Admin, Ct));
        await Assert.ThrowsAsync<ArgumentException>(() => Store.AddEvalReportAsync(version, Report(registered.Bundle.Digest, mean: 1.5), Admin, Ct));
        await Assert.ThrowsAsync<ArgumentException>(() => Store.AddEvalReportAsync(version, Report(registered.Bundle.Digest, json: "[1]"), Admin, Ct));
        await Assert.ThrowsAsync<ArgumentException>(() => Store.AddEvalReportAsync(version, Report(registered.Bundle.Digest, json: "{"), Admin, Ct));

        Assert.Equal(before, await AuditActionsAsync());
        Assert.Empty(await Store.ListEvalReportsAsync(version, Ct));
    }

    [Fact]
    public async Task GetEvalReport_IdOfAnotherVersion_ReturnsNull()
    {
        var registered = await Store.RegisterAsync(Bundle("svc", "a"), Admin, Ct);
        await Store.RegisterAsync(Bundle("svc", "b"), Admin, Ct);
        await Store.AddEvalReportAsync(new VersionRef("svc", 1), Report(registered.Bundle.Digest), Admin, Ct);

        Assert.Null(await Store.GetEvalReportAsync(new VersionRef("svc", 2), 1, Ct));
        Assert.Null(await Store.GetEvalReportAsync(new VersionRef("svc", 1), 2, Ct));
    }
}
