using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Switchback.Control.Fleet;
using Switchback.Storage;
using Switchback.Storage.Fleet;

namespace Switchback.Control.Tests.Fleet;

/// <summary>The election on a real SQLite store and a fake clock: who leads, when a follower takes over, when a leader steps down.</summary>
public sealed class LeaseLeadershipTests : IAsyncLifetime
{
    private readonly string folder = Path.Combine(Path.GetTempPath(), "sb-lease-" + Guid.NewGuid().ToString("N"));
    private readonly FakeTimeProvider time = new(new DateTimeOffset(2026, 12, 3, 12, 0, 0, TimeSpan.Zero));
    private IRegistryStore store = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private IFleetStore Fleet => (IFleetStore)store;

    public async ValueTask InitializeAsync()
    {
        Directory.CreateDirectory(folder);
        store = RegistryStoreFactory.Create("sqlite:" + Path.Combine(folder, "s.db"), time);
        await store.MigrateAsync(Ct);
    }

    public async ValueTask DisposeAsync()
    {
        await store.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(folder, recursive: true);
    }

    private LeaseLeadership Replica(bool atOnce = false)
        => new(Fleet, new ReplicaIdentity(time), time, Options.Create(new FleetOptions { TakeOverAtOnce = atOnce }), NullLogger<LeaseLeadership>.Instance);

    [Fact]
    public async Task FirstReplica_LeadsAtOnce_OthersFollowWhileItRenews()
    {
        var a = Replica();
        var b = Replica();

        await a.StepAsync(Ct);
        for (var i = 0; i < 10; i++)
        {
            time.Advance(TimeSpan.FromSeconds(1));
            await b.StepAsync(Ct);
            await a.StepAsync(Ct);
        }

        Assert.True(a.IsLeader);
        Assert.False(b.IsLeader);
        Assert.Equal(1, a.Fence!.Term);
        Assert.Equal(1, a.Elections);
    }

    [Fact]
    public async Task LeaderStopsRenewing_AFollowerTakesOverAfterSeeingTheLeaseUnchangedForItsDuration()
    {
        var a = Replica();
        var b = Replica();
        await a.StepAsync(Ct);
        var oldFence = a.Fence!;
        await b.StepAsync(Ct);

        time.Advance(TimeSpan.FromMilliseconds(2900));
        await b.StepAsync(Ct);
        Assert.False(b.IsLeader);
        Assert.True(a.IsLeader);

        // Its own clock says its lease ran out: it stops acting no later than a follower may take over.
        time.Advance(TimeSpan.FromMilliseconds(200));
        Assert.False(a.IsLeader);
        await b.StepAsync(Ct);
        Assert.True(b.IsLeader);
        Assert.Equal(2, b.Fence!.Term);

        // The old leader resumes: its renewal fails and it never leads again in its old term.
        await a.StepAsync(Ct);
        Assert.False(a.IsLeader);
        await Assert.ThrowsAsync<FencedException>(() => Fleet.MarkReplicaLostAsync("x", 0, oldFence, Ct));
    }

    [Fact]
    public async Task FollowerSeesRenewals_NeverTakesOver()
    {
        var a = Replica();
        var b = Replica();
        await a.StepAsync(Ct);
        for (var i = 0; i < 20; i++)
        {
            time.Advance(TimeSpan.FromMilliseconds(500));
            await b.StepAsync(Ct);
            if (i % 2 == 1)
            {
                await a.StepAsync(Ct);
            }
        }

        Assert.True(a.IsLeader);
        Assert.False(b.IsLeader);
    }

    [Fact]
    public async Task LeaderStopped_ReleasesTheLease_AndAFollowerTakesItAtItsNextLook()
    {
        var a = Replica();
        var b = Replica();
        await a.StepAsync(Ct);
        await b.StepAsync(Ct);

        await a.StopAsync(Ct);
        await b.StepAsync(Ct);

        Assert.True(b.IsLeader);
        Assert.True((await Fleet.ReadLeaseAsync(Ct))!.Term == 2);
    }

    [Fact]
    public async Task TakeOverAtOnce_ALeaseHeldByADeadProcess_IsTakenWithoutWaiting()
    {
        await Fleet.TryTakeLeaseAsync("a-process-killed-with-sigkill", null, Ct);
        var next = Replica(atOnce: true);

        await next.StepAsync(Ct);

        Assert.True(next.IsLeader);
        Assert.Equal(2, next.Fence!.Term);
    }

    [Fact]
    public async Task Lost_ByAFencedWrite_StepsDownAtOnce()
    {
        var a = Replica();
        await a.StepAsync(Ct);

        a.Lost(new FencedException(a.Fence!, "someone", 2));

        Assert.False(a.IsLeader);
        Assert.Null(a.Fence);
    }
}
