using Switchback.Core.Access;
using Switchback.Core.Audit;

namespace Switchback.Storage.Tests.Conformance;

public abstract partial class RegistryStoreConformance
{
    private const string HashA = "sha256:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
    private const string HashB = "sha256:bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";

    [Fact]
    public async Task Keys_CreateListFindRevoke_Lifecycle()
    {
        Assert.Equal(0, await Store.CountKeysAsync(Ct));

        var ci = await Store.CreateKeyAsync("ci", Role.Operator, HashA, new AuditContext("bootstrap"), Ct);
        var viewer = await Store.CreateKeyAsync("dash", Role.Viewer, HashB, Admin, Ct);

        Assert.NotNull(ci);
        Assert.NotNull(viewer);
        Assert.Equal(new ApiKeyRecord("ci", Role.Operator, HashA, AuditChain.Normalize(Start), "bootstrap", null), ci);
        Assert.Equal([ci, viewer], await Store.ListKeysAsync(Ct));
        Assert.Equal(ci, await Store.FindActiveKeyAsync(HashA, Ct));
        Assert.Null(await Store.FindActiveKeyAsync("sha256:unknown", Ct));

        Time.Advance(TimeSpan.FromHours(1));
        Assert.True(await Store.RevokeKeyAsync("ci", Admin, Ct));

        Assert.Null(await Store.FindActiveKeyAsync(HashA, Ct));
        Assert.Equal(viewer, await Store.FindActiveKeyAsync(HashB, Ct));
        Assert.Equal(AuditChain.Normalize(Start.AddHours(1)), (await Store.ListKeysAsync(Ct))[0].RevokedAt);
        Assert.False(await Store.RevokeKeyAsync("ci", Admin, Ct));
        Assert.False(await Store.RevokeKeyAsync("nobody", Admin, Ct));
        Assert.Equal(2, await Store.CountKeysAsync(Ct));
    }

    [Fact]
    public async Task CreateKey_DuplicateName_ReturnsNullAlsoAfterRevoke()
    {
        await Store.CreateKeyAsync("ci", Role.Admin, HashA, Admin, Ct);

        Assert.Null(await Store.CreateKeyAsync("ci", Role.Viewer, HashB, Admin, Ct));
        await Store.RevokeKeyAsync("ci", Admin, Ct);
        Assert.Null(await Store.CreateKeyAsync("ci", Role.Viewer, HashB, Admin, Ct));

        Assert.Equal(1, await Store.CountKeysAsync(Ct));
        Assert.Null(await Store.FindActiveKeyAsync(HashB, Ct));
    }

    [Fact]
    public async Task CreateKey_BadInput_ThrowsAndWritesNothing()
    {
        await Assert.ThrowsAsync<ArgumentException>(() => Store.CreateKeyAsync("Bad Name", Role.Admin, HashA, Admin, Ct));
        await Assert.ThrowsAsync<ArgumentException>(() => Store.CreateKeyAsync("ci", Role.Admin, "", Admin, Ct));
        await Assert.ThrowsAsync<ArgumentException>(() => Store.CreateKeyAsync("ci", (Role)7, HashA, Admin, Ct));
        await Store.CreateKeyAsync("ci", Role.Admin, HashA, Admin, Ct);
        var sameSecret = await Assert.ThrowsAsync<ArgumentException>(() => Store.CreateKeyAsync("ci2", Role.Admin, HashA, Admin, Ct));

        Assert.Contains("secret", sameSecret.Message);
        Assert.Equal(1, await Store.CountKeysAsync(Ct));
        Assert.Equal(1, await CountAsync("audit_log"));
    }

    [Fact]
    public async Task Keys_AuditEntries_NeverContainTheHash()
    {
        await Store.CreateKeyAsync("ci", Role.Operator, HashA, Admin, Ct);
        await Store.RevokeKeyAsync("ci", Admin, Ct);

        var entries = await Store.ListAuditAsync(new AuditQuery(TargetPrefix: "key:"), Ct);

        Assert.Equal(["key.create", "key.revoke"], entries.Select(e => e.Action));
        Assert.Equal("""{"name":"ci","role":"operator","revoked":false}""", entries[0].After);
        Assert.Equal("""{"name":"ci","role":"operator","revoked":true}""", entries[1].After);
        Assert.All(entries, e => Assert.DoesNotContain("aaaa", (e.Before ?? "") + e.After));
    }
}
