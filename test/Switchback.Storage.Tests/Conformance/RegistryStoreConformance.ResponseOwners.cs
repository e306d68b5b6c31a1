using Switchback.Storage.Fleet;

namespace Switchback.Storage.Tests.Conformance;

public abstract partial class RegistryStoreConformance
{
    private static ResponseOwnerRow Owner(AffinityKind kind, string id, int version, DateTimeOffset at) => new(kind, id, "svc", version, at);

    [Fact]
    public async Task ResponseOwners_RecordFindForget_FirstOwnerWinsAndKindsAreApart()
    {
        await Fleet.RecordResponseOwnersAsync(
        [
            Owner(AffinityKind.Response, "same", 1, Start),
            Owner(AffinityKind.Conversation, "same", 2, Start),
            Owner(AffinityKind.Response, "same", 3, Start.AddSeconds(1)),
        ], Ct);
        await Fleet.RecordResponseOwnersAsync([Owner(AffinityKind.Response, "same", 4, Start.AddSeconds(2))], Ct);

        var response = await Fleet.FindResponseOwnerAsync(AffinityKind.Response, "same", Ct);
        var conversation = await Fleet.FindResponseOwnerAsync(AffinityKind.Conversation, "same", Ct);
        var unknown = await Fleet.FindResponseOwnerAsync(AffinityKind.Response, "other", Ct);
        await Fleet.ForgetResponseOwnerAsync(AffinityKind.Response, "same", Ct);
        await Fleet.ForgetResponseOwnerAsync(AffinityKind.Response, "never", Ct);

        Assert.Equal(("svc", 1), (response!.Deployment, response.Version));
        Assert.Equal(Start.ToUnixTimeMilliseconds(), response.RecordedAt.ToUnixTimeMilliseconds());
        Assert.Equal(2, conversation!.Version);
        Assert.Null(unknown);
        Assert.Null(await Fleet.FindResponseOwnerAsync(AffinityKind.Response, "same", Ct));
        Assert.Equal(2, (await Fleet.FindResponseOwnerAsync(AffinityKind.Conversation, "same", Ct))!.Version);
        Assert.Equal(1, await CountAsync("response_owners"));
    }

    [Fact]
    public async Task ResponseOwners_SecondStoreInstance_FindsWhatTheFirstRecorded()
    {
        var other = (IFleetStore)Open(Database);

        await Fleet.RecordResponseOwnersAsync([Owner(AffinityKind.Response, "resp_1", 2, Start), Owner(AffinityKind.Conversation, "conv_1", 1, Start)], Ct);

        Assert.Equal(2, (await other.FindResponseOwnerAsync(AffinityKind.Response, "resp_1", Ct))!.Version);
        Assert.Equal(1, (await other.FindResponseOwnerAsync(AffinityKind.Conversation, "conv_1", Ct))!.Version);
    }

    [Fact]
    public async Task ResponseOwners_Prune_DropsThoseOlderThanTheCutThenTheOldestBeyondTheBound()
    {
        var rows = Enumerable.Range(0, 10).Select(i => Owner(AffinityKind.Response, $"resp_{i}", 1, Start.AddMinutes(i))).ToList();
        await Fleet.RecordResponseOwnersAsync(rows, Ct);

        var byAgeOnly = await Fleet.PruneResponseOwnersAsync(Start.AddMinutes(2), keepAtMost: 100, Ct);
        var byCount = await Fleet.PruneResponseOwnersAsync(Start.AddMinutes(2), keepAtMost: 5, Ct);
        var again = await Fleet.PruneResponseOwnersAsync(Start.AddMinutes(2), keepAtMost: 5, Ct);

        Assert.Equal(2, byAgeOnly);
        Assert.Equal(3, byCount);
        Assert.Equal(0, again);
        Assert.Equal(5, await CountAsync("response_owners"));
        Assert.Null(await Fleet.FindResponseOwnerAsync(AffinityKind.Response, "resp_4", Ct));
        Assert.NotNull(await Fleet.FindResponseOwnerAsync(AffinityKind.Response, "resp_5", Ct));
        Assert.NotNull(await Fleet.FindResponseOwnerAsync(AffinityKind.Response, "resp_9", Ct));
    }

    [Fact]
    public async Task ResponseOwners_ManyInOneBatch_AreAllStored()
    {
        var rows = Enumerable.Range(0, 1_234).Select(i => Owner(AffinityKind.Conversation, $"conv_{i}", 1 + (i % 3), Start)).ToList();

        await Fleet.RecordResponseOwnersAsync(rows, Ct);

        Assert.Equal(1_234, await CountAsync("response_owners"));
        Assert.Equal(1 + (1_233 % 3), (await Fleet.FindResponseOwnerAsync(AffinityKind.Conversation, "conv_1233", Ct))!.Version);
    }

    [Fact]
    public async Task ResponseOwners_IdTooLongOrEmpty_IsRefusedOnWriteAndUnknownOnRead()
    {
        var tooLong = new string('x', ResponseOwnerRow.MaxIdLength + 1);

        await Assert.ThrowsAsync<ArgumentException>(() => Fleet.RecordResponseOwnersAsync([Owner(AffinityKind.Response, tooLong, 1, Start)], Ct));
        await Assert.ThrowsAsync<ArgumentException>(() => Fleet.RecordResponseOwnersAsync([Owner(AffinityKind.Response, "", 1, Start)], Ct));

        Assert.Null(await Fleet.FindResponseOwnerAsync(AffinityKind.Response, tooLong, Ct));
        Assert.Equal(0, await CountAsync("response_owners"));
    }
}
