using System.Text;
using System.Text.Json.Nodes;
using Switchback.Core.Routing;
using Switchback.Gateway.Tests.Hosting;
using Switchback.UpstreamSim;

namespace Switchback.Gateway.Tests.PassThrough;

/// <summary>
/// A gateway in front of one real simulator that records what it receives, serving <c>svc@1</c>: a bundle with a system
/// prompt (so every chat and responses body is rewritten, never forwarded as it came) and the given extra sections.
/// </summary>
internal sealed class PassThroughSetup : IAsyncDisposable
{
    private PassThroughSetup(UpstreamSimulator sim, GatewayHost host)
    {
        Sim = sim;
        Host = host;
    }

    public UpstreamSimulator Sim { get; }

    public GatewayHost Host { get; }

    public static async Task<PassThroughSetup> StartAsync(JsonObject? extra = null, SimProfile profile = SimProfile.Healthy, double? regressionRate = null)
    {
        var sim = await UpstreamSimulator.StartAsync(
            new UpstreamSimOptions { Listen = "http://127.0.0.1:0", LatencyMs = 0, Profile = profile, RegressionRate = regressionRate, RecordRequests = 100 },
            ct: TestContext.Current.CancellationToken);
        var content = new JsonObject { ["prompt"] = new JsonObject { ["system"] = "You are terse." } };
        foreach (var (key, value) in extra ?? [])
        {
            content[key] = value?.DeepClone();
        }

        var host = await GatewayHost.StartAsync(seed: store => GatewayHost.RegisterAsync(store, "svc", GatewayHost.Bundle(sim.BaseAddress, "up-model", content)));
        await host.SetRoutingAsync(new RoutingState("svc", 1));
        return new PassThroughSetup(sim, host);
    }

    public Task<HttpResponseMessage> PostAsync(string path, string body)
        => Host.Client.PostAsync(path, new StringContent(body, Encoding.UTF8, "application/json"), TestContext.Current.CancellationToken);

    /// <summary>The body of the latest request the simulator received on <paramref name="path"/>.</summary>
    public string LastReceived(string path) => Sim.Received.Last(r => r.Path == path).BodyText;

    public async ValueTask DisposeAsync()
    {
        await Host.DisposeAsync();
        await Sim.DisposeAsync();
    }
}
