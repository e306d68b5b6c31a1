using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;

namespace Switchback.Bench.Fleet;

/// <summary>
/// Detection time of the flaky svc@3 canarying over svc@1, with the same traffic either all on one replica or round-robin over
/// three, interleaved (one, three, one, three…) so both modes see the same drift of this shared machine. Wall clock from
/// the audit log: the rollout's first <c>rollout.step_started</c> to its <c>rollout.rolled_back</c>; and to the moment every
/// replica applied the rollback (the leader's record of its own rollback: when it switched, plus the fleet's milliseconds).
/// </summary>
internal sealed class DetectionPhase(BenchOptions options, FleetUnderTest fleet, Action<string> log)
{
    /// <summary>Long enough that no step ends inside a trial: only a guardrail can end it.</summary>
    private const string StepDuration = "30m";

    private static readonly TimeSpan WarmUp = TimeSpan.FromSeconds(3);
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(180);

    public async Task<DetectionResults> RunAsync()
    {
        // Traffic on one replica goes to a follower, so that the evidence reaches the leader through the store, as it does
        // for the two thirds that do not land on the leader in the spread mode.
        var leader = await fleet.LeaderAsync();
        var single = fleet.Replicas.First(r => r != leader);
        var trials = new List<DetectionTrial>();
        for (var pair = 1; pair <= options.Trials; pair++)
        {
            foreach (var spread in new[] { false, true })
            {
                var targets = spread ? fleet.Urls : [single.Url];
                var trial = await TrialAsync(pair, spread, targets, spread ? "all three" : single.Name + " (follower)");
                trials.Add(trial);
                log(string.Create(CultureInfo.InvariantCulture,
                    $"detection pair {pair}/{options.Trials}, {(spread ? "three" : "one")}: {trial.Outcome} after {trial.DetectionSeconds:0.00} s, every replica on v1 after {trial.AllOnStableSeconds:0.00} s"));
            }
        }

        return new DetectionResults(trials, single.Index, leader.Index);
    }

    private async Task<DetectionTrial> TrialAsync(int pair, bool spread, IReadOnlyList<string> targets, string where)
    {
        await fleet.RouteOnlyToAsync(1, "bench: detection trial starts on svc@1");
        await using var load = new FixedRateLoad(targets, options.Rate, string.Create(CultureInfo.InvariantCulture, $"det{pair}{(spread ? 't' : 'o')}-")).Start();
        LoadResult traffic;
        JsonNode status;
        long head;
        try
        {
            await Task.Delay(WarmUp);
            head = await fleet.First.AuditHeadAsync();
            await fleet.First.StartRolloutAsync(Manifests.Canary(3, StepDuration, 50, 10, 50));
            status = await WaitForFinishAsync();
        }
        finally
        {
            traffic = await load.StopAsync();
        }

        var entries = await fleet.First.AuditAsync(head);
        var stepStarted = Time(entries, "rollout.step_started");
        var rolledBack = Time(entries, "rollout.rolled_back");
        var phase = status["phase"]!.GetValue<string>();
        double? allOnStable = null, leaderFleetMs = null, leaderLocalMs = null;
        if (phase == "rolled_back")
        {
            var last = await LeadersRollbackAsync();
            leaderLocalMs = last["propagation_ms"]?.GetValue<double>();
            if (last["replicas"] is JsonObject applied && applied["complete"]!.GetValue<bool>())
            {
                leaderFleetMs = applied["milliseconds"]!.GetValue<double>();
                allOnStable = (last["at"]!.GetValue<DateTimeOffset>().AddMilliseconds(leaderFleetMs.Value) - stepStarted!.Value).TotalSeconds;
            }
        }
        else
        {
            await fleet.First.AbortRolloutAsync("bench: the trial's time ran out");
        }

        return new DetectionTrial(
            pair,
            spread,
            where,
            phase,
            rolledBack is { } end && stepStarted is { } begin ? (end - begin).TotalSeconds : null,
            allOnStable,
            leaderLocalMs,
            leaderFleetMs,
            Evidence(status),
            traffic);
    }

    private async Task<JsonNode> WaitForFinishAsync()
    {
        for (var waited = Stopwatch.StartNew(); ; await Task.Delay(250))
        {
            var status = await fleet.First.RolloutAsync();
            if (status["finished"]!.GetValue<bool>() || waited.Elapsed > Limit)
            {
                return status;
            }
        }
    }

    /// <summary>The leader's record of its last rollback, once it knows how the fleet applied it (at most 5 s).</summary>
    private async Task<JsonNode> LeadersRollbackAsync()
    {
        var leader = await fleet.LeaderAsync();
        for (var waited = Stopwatch.StartNew(); ; await Task.Delay(100))
        {
            var last = await leader.LastRollbackAsync();
            if (last["replicas"] is JsonObject || waited.Elapsed > TimeSpan.FromSeconds(5))
            {
                return last;
            }
        }
    }

    private static DateTimeOffset? Time(JsonArray entries, string action)
        => entries.FirstOrDefault(e => e!["action"]!.GetValue<string>() == action)?["time"]!.GetValue<DateTimeOffset>();

    /// <summary>"error_rate: baseline 0/401, candidate 6/32" from the rollout's last decision, or its reason as it stands.</summary>
    private static string Evidence(JsonNode status)
    {
        var last = status["decisions"]?.AsArray().LastOrDefault();
        var detail = last?["evidence_detail"]?.AsArray().FirstOrDefault();
        if (detail?["test"] is JsonObject test && test["baseline_events"] is not null)
        {
            return string.Create(CultureInfo.InvariantCulture,
                $"{detail["signal"] ?? detail["guardrail"]}: baseline {test["baseline_events"]}/{test["baseline_requests"]}, candidate {test["candidate_events"]}/{test["candidate_requests"]}");
        }

        return status["reason_text"]?.GetValue<string>() ?? "—";
    }
}
