using System.Text.Json.Nodes;
using Spectre.Console;
using Switchback.UpstreamSim;

namespace Switchback.Cli.Demo.Scenarios;

/// <summary>
/// The README's story: v1 healthy and stable, a canary of a flaky v2 (20 % upstream errors) rolled back by its
/// <c>error_rate</c> guardrail with the evidence and timings, then a healthy v3 canaried to 100 % and promoted.
/// </summary>
internal sealed class CanaryScenario : IDemoScenario
{
    private const string Deployment = "support-bot";
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(25);

    public string Name => "canary";

    public string Description => "a flaky v2 canary rolled back automatically, then a healthy v3 promoted";

    public async Task<JsonObject> RunAsync(DemoEnvironment env, DemoSettings settings, CancellationToken ct)
    {
        var console = env.Console;
        var v1 = await env.StartSimulatorAsync(new UpstreamSimOptions { Profile = SimProfile.Healthy, Seed = env.Seed }, ct);
        var v2 = await env.StartSimulatorAsync(new UpstreamSimOptions { Profile = SimProfile.Flaky, ErrorRate = 0.2, Seed = env.Seed + 1 }, ct);
        var v3 = await env.StartSimulatorAsync(new UpstreamSimOptions { Profile = SimProfile.Healthy, Seed = env.Seed + 2 }, ct);
        await env.RegisterAsync(Deployment, 1, v1, "healthy", ct);
        await env.RegisterAsync(Deployment, 2, v2, "flaky: 20 % upstream errors", ct);
        await env.RegisterAsync(Deployment, 3, v3, "healthy", ct);
        console.MarkupLine($"Registered [bold]{Deployment}@1[/] (healthy, stable), [bold]@2[/] (flaky, 20 % errors), [bold]@3[/] (healthy) on simulated model servers {v1.BaseAddress.Authority}, {v2.BaseAddress.Authority}, {v3.BaseAddress.Authority}");

        console.MarkupLine($"[bold]1.[/] Canary of {Deployment}@2: 10 % then 50 % of users, guardrails error_rate and latency_p95 vs v1, alpha 0.01, {TrafficDriver.RequestsPerSecond} req/s from {TrafficDriver.Workers} clients");
        await env.StartRolloutAsync(Deployment, Plan(2, (10, "20s"), (50, "20s")), ct);
        var (bad, badCounts) = await RolloutWatcher.WatchAsync(env, settings, Deployment, Limit, ct);
        var rollback = RollbackFacts.From(bad, badCounts);
        Report(console, rollback);

        console.MarkupLine($"[bold]2.[/] Canary of {Deployment}@3: 25 % for 6 s then 50 % for 4 s (min 100 requests per arm), then 100 %");
        // The first step is long enough for 100 candidate requests to reach the controller on a loaded machine: a step
        // that ends short of its min_requests pauses as inconclusive (no data is not good data), as it did at 20 % for 4 s.
        await env.StartRolloutAsync(Deployment, Plan(3, (25, "6s"), (50, "4s")), ct);
        var (good, _) = await RolloutWatcher.WatchAsync(env, settings, Deployment, Limit, ct);
        if (RolloutView.Text(good, "phase") != "promoted")
        {
            throw new DemoFailedException($"{Deployment}@3 was not promoted: phase {RolloutView.Text(good, "phase")} ({RolloutView.Text(good, "reason_text")})");
        }

        var promotedMs = (RolloutView.Time(good, "updated_at") - RolloutView.Time(good, "created_at")).TotalMilliseconds;
        console.MarkupLine($"[green bold]Promoted:[/] {Deployment}@3 is stable (100 %) after {promotedMs / 1000:0.0} s; its guardrails stayed quiet:");
        foreach (var line in RolloutView.Guardrails(good))
        {
            console.MarkupLine("  " + Markup.Escape(line));
        }

        return new JsonObject
        {
            ["rollback"] = rollback,
            ["promotion"] = new JsonObject { ["version"] = 3, ["rollout"] = good["id"]?.DeepClone(), ["duration_ms"] = Math.Round(promotedMs) },
        };
    }

    private static JsonObject Plan(int candidate, params (double Weight, string Duration)[] steps)
        => DemoPlans.Canary(Deployment, candidate, steps, DemoPlans.Compare("error_rate"), DemoPlans.Compare("latency_p95", maxRatio: 1.5));

    private static void Report(IAnsiConsole console, JsonObject facts)
    {
        var t = facts["evidence"]!;
        console.MarkupLine($"[red bold]Rolled back:[/] the controller rolled {Deployment}@2 back to @{facts["to"]} on guardrail [bold]{Markup.Escape(facts["guardrail"]!.ToString())}[/] (hard)");
        // During a canary the test counts users (units: each sticky key's first requests, docs/statistics.md §1b), not requests.
        console.MarkupLine($"  evidence: v1 (baseline) {t["baseline_events"]} of {t["baseline_requests"]} users saw an error, v2 (candidate) {t["candidate_events"]} of {t["candidate_requests"]} users; "
            + $"e-value {RolloutView.Num(t, "e_value"):G4} >= threshold {RolloutView.Num(t, "threshold"):G4} (alpha share {RolloutView.Num(t, "alpha"):G3}), anytime p-value {RolloutView.Num(t, "p_value"):G3}");
        console.MarkupLine($"  detection: {RolloutView.Num(facts, "detection_ms") / 1000:0.00} s from canary start to the rollback decision");
        console.MarkupLine($"  propagation: {RolloutView.Num(facts, "propagation_ms"):0.00} ms from the switch to the gateway routing by v1; "
            + $"{RolloutView.Num(facts, "first_request_ms"):0.00} ms from the rollback call to the first request served by v1 (whole call {RolloutView.Num(facts, "rollback_total_ms"):0.00} ms)");
        console.MarkupLine("  (v2's failed requests were retried on v1 before any byte reached the client, so users saw no errors; they still counted against v2)");
    }
}
