using System.Diagnostics;
using Microsoft.Extensions.Time.Testing;
using Npgsql;

namespace Switchback.Storage.Tests.Postgres;

/// <summary>A PostgreSQL store whose server cannot be reached (issue 17): callers see the store's exception, not the driver's.</summary>
public sealed class PostgresUnreachableTests
{
    // Port 1 on loopback: nothing listens there, so every connection is refused at once.
    private const string ClosedPort = "postgres:Host=127.0.0.1;Port=1;Username=sb;Password=hunter2-secret;Database=sb;Timeout=5";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Calls_OnAClosedPort_ThrowStoreUnavailableWithTheDriverErrorInside_NeverThePassword()
    {
        await using var store = RegistryStoreFactory.Create(ClosedPort, new FakeTimeProvider());
        var clock = Stopwatch.StartNew();

        var read = await Assert.ThrowsAsync<StoreUnavailableException>(() => store.ListDeploymentsAsync(Ct));
        var write = await Assert.ThrowsAsync<StoreUnavailableException>(() => store.CreateKeyAsync("ci", Core.Access.Role.Operator, "sha256:ff", new AuditContext("admin"), Ct));
        var readiness = await store.CheckReadinessAsync(Ct);

        Assert.IsAssignableFrom<NpgsqlException>(read.InnerException);
        Assert.Contains("cannot be reached", read.Message);
        Assert.Contains("127.0.0.1:1", write.Message);
        Assert.False(readiness.IsReady);
        Assert.Contains("cannot be reached", readiness.Problem);
        Assert.All(new[] { read.Message, write.Message, readiness.Problem!, store.Location }, m => Assert.DoesNotContain("hunter2", m));
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"took {clock.Elapsed}");
    }
}
