using System.Net;
using System.Net.Sockets;
using Switchback.UpstreamSim.Tests.Support;

namespace Switchback.UpstreamSim.Tests;

public sealed class DownProfileTests
{
    [Fact]
    public async Task Down_Hang_RequestHangsUntilClientGivesUp()
    {
        var time = new TimerWatchingTimeProvider();
        await using var sim = await Sim.StartAsync(new UpstreamSimOptions { Profile = SimProfile.Down }, time);
        using var giveUp = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);

        var pending = sim.Client.PostAsync("v1/chat/completions", Sim.Json(Sim.ChatBody("anyone?")), giveUp.Token);
        await Eventually.TrueAsync(() => sim.Stats.Count(SimOutcome.Hang) == 1, "the request reached the simulator");

        // No clock advance can answer a hung request; only the client giving up ends it.
        time.Advance(TimeSpan.FromHours(1));
        Assert.False(pending.IsCompleted);
        await giveUp.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => pending);
        Assert.Equal(1, sim.Stats.Count(SimOutcome.Hang));
        Assert.Equal(0, sim.Stats.Count(SimOutcome.Ok));
    }

    [Fact]
    public async Task Down_Hang_HealthFails()
    {
        await using var sim = await Sim.StartAsync(new UpstreamSimOptions { Profile = SimProfile.Down });

        using var response = await sim.Client.GetAsync("health", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
    }

    [Fact]
    public async Task Down_Hang_StopAsyncDoesNotWaitForHungRequests()
    {
        var sim = await Sim.StartAsync(new UpstreamSimOptions { Profile = SimProfile.Down });
        var pending = sim.Client.GetAsync("v1/models", TestContext.Current.CancellationToken);
        await Eventually.TrueAsync(() => sim.Stats.Count(SimOutcome.Hang) == 1, "the request reached the simulator");

        await sim.Simulator.StopAsync(TestContext.Current.CancellationToken).WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);

        await Assert.ThrowsAsync<HttpRequestException>(() => pending);
        await sim.DisposeAsync();
    }

    [Fact]
    public async Task Down_Refuse_ConnectionRefused()
    {
        await using var sim = await Sim.StartAsync(new UpstreamSimOptions { Profile = SimProfile.Down, DownMode = DownMode.Refuse });

        var ex = await Assert.ThrowsAsync<HttpRequestException>(() => sim.Client.GetAsync("health", TestContext.Current.CancellationToken));

        Assert.NotEqual(0, sim.Simulator.BaseAddress.Port);
        Assert.Equal(SocketError.ConnectionRefused, Assert.IsType<SocketException>(ex.InnerException).SocketErrorCode);
    }
}
