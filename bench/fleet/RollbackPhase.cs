using System.Globalization;
using System.Text.Json.Nodes;

namespace Switchback.Bench.Fleet;

/// <summary>
/// Rollback propagation: forced rollbacks alternating between svc@2 and svc@1, each sent to the next replica in turn, under
/// traffic spread over all three. Each is timed twice: by the API (from the switch until every live replica recorded that
/// it applies the change) and from the store (the last replica's <c>routing_applied_at</c> minus the time of the
/// <c>routing.set</c> audit entry; both wall clock of this one machine). Then every replica must serve the target.
/// </summary>
internal sealed class RollbackPhase(BenchOptions options, FleetUnderTest fleet, Action<string> log)
{
    /// <summary>Between one rollback's checks and the next rollback, so the fleet is back at rest as a real rollback would find it.</summary>
    private static readonly TimeSpan Pause = TimeSpan.FromMilliseconds(500);

    public async Task<RollbackResults> RunAsync()
    {
        await fleet.RouteOnlyToAsync(1, "bench: rollback propagation starts on svc@1");
        var leader = await fleet.LeaderAsync();
        var samples = new List<RollbackSample>();
        using var checks = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        await using var load = new FixedRateLoad(fleet.Urls, options.RollbackRate, "rb-").Start();
        LoadResult traffic;
        try
        {
            // The traffic's first seconds pay for connection set-up and JIT; rollbacks start after them.
            await Task.Delay(TimeSpan.FromSeconds(3));
            var head = await fleet.First.AuditHeadAsync();
            for (var i = 0; i < options.Rollbacks; i++)
            {
                var target = i % 2 == 0 ? 2 : 1;
                var replica = fleet.Replicas[i % fleet.Replicas.Count];
                var sample = await RollbackOnceAsync(i + 1, target, replica, head, checks);
                head = sample.AuditHead;
                samples.Add(sample);
                if ((i + 1) % 10 == 0)
                {
                    log(string.Create(CultureInfo.InvariantCulture, $"rollback {i + 1}/{options.Rollbacks}: fleet {sample.FleetMs:0.0} ms, store {sample.StoreMs:0.0} ms"));
                }

                await Task.Delay(Pause);
            }
        }
        finally
        {
            traffic = await load.StopAsync();
        }

        return new RollbackResults(samples, traffic, leader.Index);
    }

    private async Task<RollbackSample> RollbackOnceAsync(int n, int target, Replica replica, long head, HttpClient checks)
    {
        var answer = await replica.RollbackAsync(target, string.Create(CultureInfo.InvariantCulture, $"bench: rollback {n}"));
        if (answer["status"]!.GetValue<string>() != "rolled_back")
        {
            throw new InvalidOperationException($"rollback {n} to svc@{target} via {replica.Name} did not roll back: {answer}");
        }

        var fleetApplied = answer["replicas"] ?? throw new InvalidOperationException($"rollback {n}: no fleet propagation in the answer (not a fleet store?): {answer}");
        var entries = await replica.AuditAsync(head);
        var routingSet = entries.Last(e => e!["action"]!.GetValue<string>() == "routing.set")!;
        var storedAt = routingSet["time"]!.GetValue<DateTimeOffset>();
        var view = await fleet.WaitForAllLiveAsync();
        var live = view["replicas"]!.AsArray().Where(r => r!["state"]!.GetValue<string>() == "live").ToList();
        double AfterStored(JsonNode? r) => (r!["routing_applied_at"]!.GetValue<DateTimeOffset>() - storedAt).TotalMilliseconds;
        var appliedAfter = live.Select(AfterStored).Order().ToList();
        var callerAfter = AfterStored(live.Single(r => r!["address"]!.GetValue<string>() == replica.Url));

        var served = new List<string>();
        foreach (var each in fleet.Replicas)
        {
            served.Add(await Chat.ServedByAsync(checks, each.Url, string.Create(CultureInfo.InvariantCulture, $"check-{n}-{each.Index}")));
        }

        return new RollbackSample(
            n,
            target,
            replica.Index,
            fleetApplied["milliseconds"]!.GetValue<double>(),
            fleetApplied["complete"]!.GetValue<bool>(),
            fleetApplied["applied"]!.GetValue<int>(),
            fleetApplied["live"]!.GetValue<int>(),
            appliedAfter[^1],
            appliedAfter,
            callerAfter,
            answer["propagation_ms"]!.GetValue<double>(),
            answer["total_ms"]!.GetValue<double>(),
            served.Count(s => s == target.ToString(CultureInfo.InvariantCulture)),
            served,
            entries.Max(e => e!["sequence"]!.GetValue<long>()));
    }
}
