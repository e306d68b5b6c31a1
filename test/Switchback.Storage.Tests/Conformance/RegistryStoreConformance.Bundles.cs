using Switchback.Core.Audit;
using Switchback.Core.Bundles;

namespace Switchback.Storage.Tests.Conformance;

public abstract partial class RegistryStoreConformance
{
    [Fact]
    public async Task Register_FirstBundle_CreatesDeploymentWithStable()
    {
        var outcome = await Store.RegisterAsync(Bundle("support-bot", "a"), new AuditContext("ci", "first"), Ct);

        Assert.Equal(RegisterStatus.Created, outcome.Status);
        Assert.Equal(1, outcome.Bundle.Version);
        Assert.Equal(AuditChain.Normalize(Start), outcome.Bundle.CreatedAt);
        var deployment = await Store.GetDeploymentAsync("support-bot", Ct);
        Assert.NotNull(deployment);
        Assert.Equal(new Dictionary<string, int> { ["stable"] = 1 }, deployment.Aliases);
        Assert.Equal(1, deployment.LatestVersion);
        Assert.Equal(1, deployment.VersionCount);
        Assert.Equal(AuditChain.Normalize(Start), deployment.CreatedAt);
        Assert.Equal(["deployment.create", "bundle.register", "alias.set"], await AuditActionsAsync());
        var history = await Store.GetAliasHistoryAsync("support-bot", Ct);
        var move = Assert.Single(history);
        Assert.Equal(new AliasEvent("support-bot", "stable", null, 1, AuditChain.Normalize(Start), "ci", "first") { Id = move.Id }, move);
        Assert.True(move.Id > 0);
    }

    [Fact]
    public async Task Register_StoredBundle_RoundTripsContentAndUtcMillisecondTime()
    {
        var bundle = Bundle("svc", "a");
        await Store.RegisterAsync(bundle, Admin, Ct);

        var stored = await Store.GetBundleAsync(new VersionRef("svc", 1), Ct);

        Assert.NotNull(stored);
        Assert.Equal(new StoredBundle("svc", 1, bundle.Digest, bundle.CanonicalJson, AuditChain.Normalize(Start), "admin", false), stored);
        Assert.Equal(TimeSpan.Zero, stored.CreatedAt.Offset);
        Assert.Equal(0, stored.CreatedAt.Ticks % TimeSpan.TicksPerMillisecond);
    }

    [Fact]
    public async Task Register_WithoutVersion_NumbersConsecutivelyAndKeepsStable()
    {
        for (var i = 1; i <= 3; i++)
        {
            Time.Advance(TimeSpan.FromSeconds(1));
            var outcome = await Store.RegisterAsync(Bundle("svc", $"c{i}"), Admin, Ct);
            Assert.Equal((RegisterStatus.Created, i), (outcome.Status, outcome.Bundle.Version));
        }

        var deployment = await Store.GetDeploymentAsync("svc", Ct);
        Assert.Equal(1, deployment!.Aliases["stable"]);
        Assert.Equal([1, 2, 3], (await Store.ListBundlesAsync("svc", false, Ct)).Select(b => b.Version));
        Assert.Equal(AuditChain.Normalize(Start.AddSeconds(3)), (await Store.GetBundleAsync(new VersionRef("svc", 3), Ct))!.CreatedAt);
    }

    [Fact]
    public async Task Register_SameContentTwice_ReturnsExistingVersion()
    {
        await Store.RegisterAsync(Bundle("svc", "a"), Admin, Ct);
        await Store.RegisterAsync(Bundle("svc", "b"), Admin, Ct);
        var auditBefore = await CountAsync("audit_log");

        var again = await Store.RegisterAsync(Bundle("svc", "a"), Admin, Ct);

        Assert.Equal(RegisterStatus.Existing, again.Status);
        Assert.Equal(1, again.Bundle.Version);
        Assert.Equal(2, await CountAsync("bundles"));
        Assert.Equal(auditBefore, await CountAsync("audit_log"));
    }

    [Fact]
    public async Task Register_SameContentWithItsExplicitVersion_ReturnsExisting()
    {
        await Store.RegisterAsync(Bundle("svc", "a"), Admin, Ct);
        var auditBefore = await CountAsync("audit_log");

        var again = await Store.RegisterAsync(Bundle("svc", "a", version: 1), Admin, Ct);

        Assert.Equal((RegisterStatus.Existing, 1), (again.Status, again.Bundle.Version));
        Assert.Equal(auditBefore, await CountAsync("audit_log"));
    }

    [Fact]
    public async Task Register_SameContentAsArchivedVersion_ReturnsThatVersion()
    {
        await Store.RegisterAsync(Bundle("svc", "a"), Admin, Ct);
        await Store.RegisterAsync(Bundle("svc", "b"), Admin, Ct);
        Assert.Equal(ArchiveOutcome.Archived, await Store.ArchiveAsync(new VersionRef("svc", 2), Admin, Ct));

        var again = await Store.RegisterAsync(Bundle("svc", "b"), Admin, Ct);

        Assert.Equal((RegisterStatus.Existing, 2, true), (again.Status, again.Bundle.Version, again.Bundle.Archived));
        Assert.Equal(2, await CountAsync("bundles"));
    }

    [Fact]
    public async Task Register_DifferentContentUnderExistingVersion_ConflictsAndChangesNothing()
    {
        var first = await Store.RegisterAsync(Bundle("svc", "a"), Admin, Ct);
        var bundlesBefore = await CountAsync("bundles");
        var auditBefore = await CountAsync("audit_log");

        var outcome = await Store.RegisterAsync(Bundle("svc", "other", version: 1), Admin, Ct);

        Assert.Equal(RegisterStatus.Conflict, outcome.Status);
        Assert.Equal(first.Bundle, outcome.Bundle);
        Assert.Equal(bundlesBefore, await CountAsync("bundles"));
        Assert.Equal(auditBefore, await CountAsync("audit_log"));
        Assert.Equal(first.Bundle, await Store.GetBundleAsync(new VersionRef("svc", 1), Ct));
        Assert.True((await Store.VerifyAuditAsync(Ct)).Ok);
    }

    [Fact]
    public async Task Register_ExplicitGapVersion_NextAutomaticIsMaxPlusOne()
    {
        for (var i = 1; i <= 3; i++)
        {
            await Store.RegisterAsync(Bundle("svc", $"c{i}"), Admin, Ct);
        }

        var gap = await Store.RegisterAsync(Bundle("svc", "ten", version: 10), Admin, Ct);
        var next = await Store.RegisterAsync(Bundle("svc", "next"), Admin, Ct);

        Assert.Equal((RegisterStatus.Created, 10), (gap.Status, gap.Bundle.Version));
        Assert.Equal((RegisterStatus.Created, 11), (next.Status, next.Bundle.Version));
        Assert.Equal([1, 2, 3, 10, 11], (await Store.ListBundlesAsync("svc", true, Ct)).Select(b => b.Version));
        var deployment = await Store.GetDeploymentAsync("svc", Ct);
        Assert.Equal((11, 5), (deployment!.LatestVersion, deployment.VersionCount));
    }

    [Fact]
    public async Task Register_ExplicitFirstVersion_CreatesDeploymentAtThatVersion()
    {
        var outcome = await Store.RegisterAsync(Bundle("svc", "a", version: 7), Admin, Ct);

        Assert.Equal(7, outcome.Bundle.Version);
        Assert.Equal(7, (await Store.GetDeploymentAsync("svc", Ct))!.Aliases["stable"]);
    }

    [Theory]
    [InlineData("")]
    [InlineData("Support-Bot")]
    [InlineData("-bot")]
    [InlineData("support bot")]
    [InlineData("bot@1")]
    public async Task Register_InvalidDeploymentName_ThrowsAndWritesNothing(string name)
    {
        var error = await Assert.ThrowsAsync<ArgumentException>(() => Store.RegisterAsync(Bundle(name, "a"), Admin, Ct));

        Assert.Contains("invalid deployment name", error.Message);
        Assert.Equal(0, await CountAsync("deployments"));
        Assert.Equal(0, await CountAsync("audit_log"));
    }

    [Fact]
    public async Task Register_MalformedBundle_ThrowsClearErrorAndWritesNothing()
    {
        var good = Bundle("svc", "a");

        var wrongDigest = await Assert.ThrowsAsync<ArgumentException>(() => Store.RegisterAsync(good with { Digest = "sha256:" + new string('0', 64) }, Admin, Ct));
        var notJson = await Assert.ThrowsAsync<ArgumentException>(() => Store.RegisterAsync(good with { CanonicalJson = "{not json" }, Admin, Ct));
        var zero = await Assert.ThrowsAsync<ArgumentException>(() => Store.RegisterAsync(good with { RequestedVersion = 0 }, Admin, Ct));
        var noActor = await Assert.ThrowsAsync<ArgumentException>(() => Store.RegisterAsync(good, new AuditContext(" "), Ct));

        Assert.Contains("does not match its content", wrongDigest.Message);
        Assert.Contains("not JSON", notJson.Message);
        Assert.Contains("version 0 is not valid", zero.Message);
        Assert.Contains("actor", noActor.Message);
        Assert.Equal(0, await CountAsync("bundles"));
        Assert.Equal(0, await CountAsync("audit_log"));
    }

    [Fact]
    public async Task Archive_Version_HiddenFromListButStillReadable()
    {
        await Store.RegisterAsync(Bundle("svc", "a"), Admin, Ct);
        await Store.RegisterAsync(Bundle("svc", "b"), Admin, Ct);
        await Store.RegisterAsync(Bundle("svc", "c"), Admin, Ct);

        var outcome = await Store.ArchiveAsync(new VersionRef("svc", 2), new AuditContext("ops", "bad eval"), Ct);

        Assert.Equal(ArchiveOutcome.Archived, outcome);
        Assert.Equal([1, 3], (await Store.ListBundlesAsync("svc", false, Ct)).Select(b => b.Version));
        Assert.Equal([1, 2, 3], (await Store.ListBundlesAsync("svc", true, Ct)).Select(b => b.Version));
        var archived = await Store.GetBundleAsync(new VersionRef("svc", 2), Ct);
        Assert.True(archived!.Archived);
        var entry = (await Store.ListAuditAsync(new AuditQuery(), Ct))[^1];
        Assert.Equal(("bundle.archive", "svc@2", "ops", "bad eval"), (entry.Action, entry.Target, entry.Actor, entry.Reason));
        Assert.Contains("\"archived\":true", entry.After);
        Assert.Equal(ArchiveOutcome.AlreadyArchived, await Store.ArchiveAsync(new VersionRef("svc", 2), Admin, Ct));
        Assert.Equal(ArchiveOutcome.NotFound, await Store.ArchiveAsync(new VersionRef("svc", 9), Admin, Ct));
        Assert.Equal(ArchiveOutcome.NotFound, await Store.ArchiveAsync(new VersionRef("nothing", 1), Admin, Ct));
    }

    [Fact]
    public async Task Archive_StableVersion_IsRefused()
    {
        await Store.RegisterAsync(Bundle("svc", "a"), Admin, Ct);
        await Store.RegisterAsync(Bundle("svc", "b"), Admin, Ct);
        await Store.SetAliasAsync(new VersionRef("svc", 2), "stable", Admin, Ct);
        var auditBefore = await CountAsync("audit_log");

        Assert.Equal(ArchiveOutcome.IsStable, await Store.ArchiveAsync(new VersionRef("svc", 2), Admin, Ct));

        Assert.False((await Store.GetBundleAsync(new VersionRef("svc", 2), Ct))!.Archived);
        Assert.Equal(auditBefore, await CountAsync("audit_log"));
        Assert.Equal(ArchiveOutcome.Archived, await Store.ArchiveAsync(new VersionRef("svc", 1), Admin, Ct));
    }

    [Fact]
    public async Task GetAndList_UnknownDeployment_ReturnNothing()
    {
        await Store.RegisterAsync(Bundle("svc", "a"), Admin, Ct);

        Assert.Null(await Store.GetBundleAsync(new VersionRef("svc", 2), Ct));
        Assert.Null(await Store.GetBundleAsync(new VersionRef("other", 1), Ct));
        Assert.Null(await Store.GetDeploymentAsync("other", Ct));
        Assert.Empty(await Store.ListBundlesAsync("other", true, Ct));
        await Assert.ThrowsAsync<ArgumentException>(() => Store.ListBundlesAsync("Not Valid", true, Ct));
    }

    [Fact]
    public async Task ListDeployments_SeveralDeployments_SortedByNameWithAliases()
    {
        await Store.RegisterAsync(Bundle("zeta", "a"), Admin, Ct);
        await Store.RegisterAsync(Bundle("alpha", "a"), Admin, Ct);
        await Store.RegisterAsync(Bundle("alpha", "b"), Admin, Ct);
        await Store.SetAliasAsync(new VersionRef("alpha", 2), "candidate", Admin, Ct);

        var deployments = await Store.ListDeploymentsAsync(Ct);

        Assert.Equal(["alpha", "zeta"], deployments.Select(d => d.Name));
        Assert.Equal(new Dictionary<string, int> { ["candidate"] = 2, ["stable"] = 1 }, deployments[0].Aliases);
        Assert.Equal((2, 2), (deployments[0].LatestVersion, deployments[0].VersionCount));
        Assert.Equal(new Dictionary<string, int> { ["stable"] = 1 }, deployments[1].Aliases);
    }
}
