using System.Globalization;

namespace Switchback.Bench.Fleet;

/// <summary>
/// Three replicas on the fresh database and three simulated model servers: svc@1 healthy, svc@2 healthy (another seed),
/// svc@3 flaky with 20 % errors as in the demo. Stops every process on dispose.
/// </summary>
internal sealed class FleetUnderTest : IDisposable
{
    private readonly List<Child> simulators = [];
    private readonly List<Replica> replicas = [];

    public IReadOnlyList<Replica> Replicas => replicas;

    public IReadOnlyList<string> Urls => [.. replicas.Select(r => r.Url)];

    /// <summary>The first replica: the one the bench sends most admin calls to.</summary>
    public Replica First => replicas[0];

    public static async Task<FleetUnderTest> StartAsync(BenchOptions options, Action<string> log)
    {
        var fleet = new FleetUnderTest();
        try
        {
            var sims = await Task.WhenAll(
                fleet.StartSimulatorAsync(options, 1, "healthy"),
                fleet.StartSimulatorAsync(options, 2, "healthy"),
                fleet.StartSimulatorAsync(options, 3, "flaky", "--error-rate", "0.2"));

            // The first replica migrates the empty store; the other two then start together, as in the functional tests.
            fleet.replicas.Add(await Replica.StartAsync(options, 1));
            fleet.replicas.AddRange(await Task.WhenAll(Replica.StartAsync(options, 2), Replica.StartAsync(options, 3)));
            log($"replicas on {string.Join(", ", fleet.Urls)}; simulators on {string.Join(", ", sims)}");

            for (var version = 1; version <= 3; version++)
            {
                await fleet.First.RegisterAsync(Manifests.Bundle(version, sims[version - 1]));
            }

            await fleet.WaitForAllLiveAsync();
            return fleet;
        }
        catch
        {
            fleet.Dispose();
            throw;
        }
    }

    /// <summary>The fleet view once every replica is live and applies the store's latest routing (at most 30 s).</summary>
    public async Task<System.Text.Json.Nodes.JsonNode> WaitForAllLiveAsync()
    {
        for (var waited = System.Diagnostics.Stopwatch.StartNew(); ; await Task.Delay(100))
        {
            var view = await First.ReplicasAsync();
            var list = view["replicas"]!.AsArray();
            var epoch = view["routing_generation"]!.GetValue<long>();
            if (list.Count(r => r!["state"]!.GetValue<string>() == "live" && r["applied_routing_generation"]!.GetValue<long>() >= epoch) == replicas.Count)
            {
                return view;
            }

            if (waited.Elapsed > TimeSpan.FromSeconds(30))
            {
                throw new TimeoutException($"the fleet did not settle within 30 s: {view}");
            }
        }
    }

    /// <summary>
    /// Routes 100 % to <paramref name="version"/> with no candidate (a forced rollback, which also ends an active rollout) unless
    /// that is already so, and waits until every replica applies it.
    /// </summary>
    public async Task RouteOnlyToAsync(int version, string reason)
    {
        var routing = await First.RoutingAsync();
        if (routing["stable"]?.GetValue<int>() != version || routing["candidate"] is not null)
        {
            await First.RollbackAsync(version, reason);
        }

        await WaitForAllLiveAsync();
    }

    /// <summary>The replica that holds the controller's lease now.</summary>
    public async Task<Replica> LeaderAsync()
    {
        var view = await First.ReplicasAsync();
        var leader = view["replicas"]!.AsArray().Single(r => r!["role"]!.GetValue<string>() == "leader")!["address"]!.GetValue<string>();
        return replicas.Single(r => r.Url == leader);
    }

    public void Dispose()
    {
        foreach (var replica in replicas)
        {
            replica.Dispose();
        }

        foreach (var simulator in simulators)
        {
            simulator.Dispose();
        }
    }

    private async Task<string> StartSimulatorAsync(BenchOptions options, int seed, string profile, params string[] extra)
    {
        var name = "sim" + seed.ToString(CultureInfo.InvariantCulture);
        var child = Child.Start(name, options, ["upstream-sim", "--listen", "http://127.0.0.1:0", "--profile", profile, "--seed", seed.ToString(CultureInfo.InvariantCulture), .. extra]);
        lock (simulators)
        {
            simulators.Add(child);
        }

        var line = await child.WaitForLineAsync(" listening on ", TimeSpan.FromSeconds(60));
        return line[(line.LastIndexOf(" on ", StringComparison.Ordinal) + 4)..].Trim().TrimEnd('/');
    }
}
