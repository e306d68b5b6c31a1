using System.Net;
using Switchback.UpstreamSim.Faults;
using Switchback.UpstreamSim.Tests.Support;

namespace Switchback.UpstreamSim.Tests;

public sealed class LatencyTests
{
    [Fact]
    public async Task Chat_WithLatency_DoesNotCompleteUntilFakeClockAdvances()
    {
        var time = new TimerWatchingTimeProvider();
        await using var sim = await Sim.StartAsync(new UpstreamSimOptions { LatencyMs = 100, LatencyP99Ms = 100 }, time);

        var pending = sim.PostAsync("v1/chat/completions", Sim.ChatBody("wait for it"));

        Assert.Equal(TimeSpan.FromMilliseconds(100), await time.NextTimerAsync());
        time.Advance(TimeSpan.FromMilliseconds(99));
        Assert.False(pending.IsCompleted);
        time.Advance(TimeSpan.FromMilliseconds(1));
        using var response = await pending.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task StopAsync_WhileRequestDelayed_AbortsItWithoutWaiting()
    {
        var time = new TimerWatchingTimeProvider();
        var sim = await Sim.StartAsync(new UpstreamSimOptions { LatencyMs = 60_000, LatencyP99Ms = 60_000 }, time);
        var pending = sim.PostAsync("v1/chat/completions", Sim.ChatBody("never answered"));
        await time.NextTimerAsync();

        await sim.Simulator.StopAsync(TestContext.Current.CancellationToken).WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);

        await Assert.ThrowsAsync<HttpRequestException>(() => pending);
        await sim.DisposeAsync();
    }

    [Fact]
    public void LatencyModel_FittedFromMedianAndP99_ReproducesBothQuantiles()
    {
        var model = LatencyModel.Fit(20, 60);
        var rng = new SimRandom(1);

        var samples = Enumerable.Range(0, 20_000).Select(_ => model.Sample(rng.NextGaussian()).TotalMilliseconds).Order().ToArray();

        Assert.InRange(samples[10_000], 19, 21);
        Assert.InRange(samples[19_800], 54, 66);
    }

    [Theory]
    [InlineData(SimProfile.Healthy, 20, 60)]
    [InlineData(SimProfile.Flaky, 20, 60)]
    [InlineData(SimProfile.Slow, 60, 480)]
    public void Settings_ProfileDefaults_SetLatency(SimProfile profile, double median, double p99)
    {
        var settings = SimSettings.From(new UpstreamSimOptions { Profile = profile });

        Assert.Equal(LatencyModel.Fit(median, p99), settings.Latency);
        Assert.Equal(TimeSpan.FromMilliseconds(median / 10), settings.InterTokenLatency);
    }

    [Fact]
    public void Settings_LatencyZero_MeansNoDelayAtAll()
    {
        var settings = SimSettings.From(new UpstreamSimOptions { Profile = SimProfile.Slow, LatencyMs = 0 });

        Assert.True(settings.Latency.IsZero);
        Assert.Equal(TimeSpan.Zero, settings.Latency.Sample(3));
        Assert.Equal(TimeSpan.Zero, settings.InterTokenLatency);
    }

    [Theory]
    [InlineData(-1.0, null, null, "--latency-ms")]
    [InlineData(50.0, 10.0, null, "--latency-p99-ms (10) must be at least")]
    [InlineData(0.0, 10.0, null, "needs a --latency-ms above 0")]
    [InlineData(null, null, 1.5, "--error-rate must be between 0 and 1")]
    public void Settings_InvalidOptions_ThrowNamingTheFlag(double? median, double? p99, double? errorRate, string message)
    {
        var options = new UpstreamSimOptions { LatencyMs = median, LatencyP99Ms = p99, ErrorRate = errorRate };

        var ex = Assert.Throws<ArgumentException>(() => SimSettings.From(options));

        Assert.Contains(message, ex.Message);
    }

    [Theory]
    [InlineData("ftp://127.0.0.1:1")]
    [InlineData("http://example.com:9001")]
    [InlineData("http://127.0.0.1:9001/v1")]
    [InlineData("not a url")]
    public async Task StartAsync_BadListen_ThrowsArgumentException(string listen)
    {
        var ex = await Assert.ThrowsAsync<ArgumentException>(() => UpstreamSimulator.StartAsync(new UpstreamSimOptions { Listen = listen }, ct: TestContext.Current.CancellationToken));

        Assert.Contains("--listen", ex.Message);
    }
}
