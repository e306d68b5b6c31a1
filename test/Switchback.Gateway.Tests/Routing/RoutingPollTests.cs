using Microsoft.Extensions.Time.Testing;
using Switchback.Core.Routing;
using Switchback.Gateway.Tests.Hosting;
using Switchback.Storage;

namespace Switchback.Gateway.Tests.Routing;

public sealed class RoutingPollTests
{
    [Fact]
    public async Task Poll_ChangeByAnotherProcess_IsPickedUpAfterTheInterval()
    {
        var ct = TestContext.Current.CancellationToken;
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 3, 1, 10, 0, 0, TimeSpan.Zero));
        await using var host = await GatewayHost.StartAsync(time, seed: async store =>
        {
            await GatewayHost.RegisterAsync(store, "svc", GatewayHost.Bundle(new Uri("http://127.0.0.1:9"), "a"));
            await GatewayHost.RegisterAsync(store, "svc", GatewayHost.Bundle(new Uri("http://127.0.0.1:9"), "b"));
        });
        Assert.Equal(1, Stable(host.Routing.Current));
        var table = host.Routing.GetCurrent(out var changed);
        var swapped = new TaskCompletionSource();
        using var registration = changed.Register(() => swapped.TrySetResult());

        // Another process writes the routing change straight into the store.
        await host.Store.SetRoutingStateAsync(new RoutingState("svc", 2), new AuditContext("other-replica"), ct);
        Assert.Same(table, host.Routing.Current);
        time.Advance(TimeSpan.FromSeconds(1));
        await swapped.Task.WaitAsync(TimeSpan.FromSeconds(30), ct);

        Assert.Equal(2, Stable(host.Routing.Current));
    }

    private static int Stable(RoutingTable table) => table.TryGet("svc", out var s) ? s.StableVersion : -1;
}
