using System.Text.Json.Nodes;
using Spectre.Console;
using Switchback.Cli.Commands;
using Switchback.UpstreamSim;

namespace Switchback.Cli.Demo.Scenarios;

/// <summary>
/// A silent failure in three acts (docs/evals.md, docs/signals.md): v2 always answers 200 OK, as fast as v1, but 30 % of its
/// answers are wrong, refusals or leak personal data. (1) A rollout gate on a golden dataset stops it before any user sees
/// it; (2) without the gate, a rollout guarded only by error rate and latency promotes it; (3) with guardrails on the
/// online evaluators' signals, the same canary is rolled back automatically.
/// </summary>
internal sealed class SilentScenario : IDemoScenario
{
    private const string Deployment = "support-bot";
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(25);
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(100);

    public string Name => "silent";

    public string Description => "a v2 that answers 200 OK but wrongly: stopped by a gate, promoted by error and latency guardrails, rolled back by quality guardrails";

    public async Task<JsonObject> RunAsync(DemoEnvironment env, DemoSettings settings, CancellationToken ct)
    {
        var v1 = await env.StartSimulatorAsync(new UpstreamSimOptions { Profile = SimProfile.Healthy, Seed = env.Seed }, ct);
        var v2 = await env.StartSimulatorAsync(new UpstreamSimOptions { Profile = SimProfile.SilentRegression, Seed = env.Seed + 1 }, ct);
        await env.RegisterAsync(Deployment, 1, v1, "healthy", ct, Evaluators());
        await env.RegisterAsync(Deployment, 2, v2, "silent regression: 30 % of answers wrong, refusals or leaking personal data", ct, Evaluators());
        env.Console.MarkupLine($"Registered [bold]{Deployment}@1[/] (healthy, stable) and [bold]@2[/] (always 200 OK, as fast as v1, but 30 % of its answers are wrong, refusals or leak personal data); both run the online evaluators");

        var gate = await GateAsync(env, ct);
        var promoted = await ErrorsAndLatencyOnlyAsync(env, settings, ct);
        var back = await env.RollbackAsync(Deployment, "demo: replay the rollout of v2 with quality guardrails", ct);
        env.Console.MarkupLine($"[grey]Rolled back by hand to {Deployment}@{back["to"]} ({RolloutView.Num(back, "total_ms"):0.0} ms) to replay the same rollout with quality guardrails[/]");
        var caught = await QualityGuardedAsync(env, settings, ct);
        return new JsonObject { ["gate"] = gate, ["errors_and_latency_only"] = promoted, ["quality_guardrails"] = caught };
    }

    /// <summary>Act 1: the gate runs the golden set on v2 and v1, pinned, and aborts the rollout before routing any user to v2.</summary>
    private static async Task<JsonObject> GateAsync(DemoEnvironment env, CancellationToken ct)
    {
        env.Console.MarkupLine($"[bold]1.[/] Rollout of {Deployment}@2 with a gate: {GoldenSet.Cases} golden questions must score at least 0.9 on average and at most 0.02 below v1, before any user sees v2");
        var path = Path.Combine(env.Directory, "golden.jsonl");
        await File.WriteAllTextAsync(path, GoldenSet.Jsonl(), ct);
        using var problems = new StringWriter();
        var dataset = await EvalDatasetFile.ReadAsync(path, problems, ct) ?? throw new DemoFailedException($"the golden set is not valid: {problems}");
        var plan = DemoPlans.Canary(Deployment, 2, [(10, "10s")], Operational());
        plan["gate"] = new JsonObject { ["dataset"] = Path.GetFileName(path), ["min_score"] = 0.9, ["max_drop_vs_stable"] = 0.02 };
        plan["gate_dataset"] = dataset;
        await env.StartRolloutAsync(Deployment, plan, ct);

        var started = env.Time.GetTimestamp();
        var status = await env.RolloutStatusAsync(Deployment, ct);
        while (RolloutView.Text(status, "phase") == "gating")
        {
            if (env.Time.GetElapsedTime(started) > Limit)
            {
                throw new DemoFailedException($"the gate of {Deployment}@2 did not finish within {Limit.TotalSeconds:0} s");
            }

            await Task.Delay(Poll, env.Time, ct);
            status = await env.RolloutStatusAsync(Deployment, ct);
        }

        var routing = await env.ReadAsync($"deployments/{Deployment}/routing", $"the routing of {Deployment}", ct);
        if (RolloutView.Text(status, "reason") != "gate_failed" || routing["candidate"] is not null)
        {
            throw new DemoFailedException($"the gate did not stop {Deployment}@2: phase {RolloutView.Text(status, "phase")} ({RolloutView.Text(status, "reason_text")})");
        }

        var candidate = await LatestEvalAsync(env, 2, ct);
        var stable = await LatestEvalAsync(env, 1, ct);
        var failed = candidate["report"]!["cases"]!.AsArray().Where(c => c?["passed"]?.GetValue<bool>() == false).ToList();
        env.Console.MarkupLine($"[red bold]Gate failed:[/] v2 passed {Passed(candidate)} of {GoldenSet.Cases} golden questions (mean score {RolloutView.Num(candidate["summary"], "mean_score"):0.###}), "
            + $"v1 {Passed(stable)} ({RolloutView.Num(stable["summary"], "mean_score"):0.###}); the rollout was aborted before any user request reached v2");
        env.Console.MarkupLine($"  decision: {Markup.Escape(RolloutView.Text(status, "reason_text"))}");
        foreach (var c in failed.Take(3))
        {
            env.Console.MarkupLine($"  v2 on {Markup.Escape(RolloutView.Text(c, "id"))}: \"{Markup.Escape(RolloutView.Text(c, "answer"))}\"");
        }

        return new JsonObject
        {
            ["phase"] = status["phase"]?.DeepClone(),
            ["reason"] = status["reason"]?.DeepClone(),
            ["reason_text"] = status["reason_text"]?.DeepClone(),
            ["candidate_mean_score"] = candidate["summary"]!["mean_score"]!.DeepClone(),
            ["stable_mean_score"] = stable["summary"]!["mean_score"]!.DeepClone(),
            ["failed_cases"] = failed.Count,
        };
    }

    /// <summary>Act 2: errors and latency cannot tell v2 from v1, so a canary guarded by them alone promotes it.</summary>
    private static async Task<JsonObject> ErrorsAndLatencyOnlyAsync(DemoEnvironment env, DemoSettings settings, CancellationToken ct)
    {
        env.Console.MarkupLine($"[bold]2.[/] The same rollout without the gate, guarded by error_rate and latency_p95 only: 50 % of users for 4 s, then 100 %");
        var before = await EvaluatorCountersAsync(env, ct);
        await env.StartRolloutAsync(Deployment, DemoPlans.Canary(Deployment, 2, [(50, "4s")], Operational()), ct);
        var (status, counts) = await RolloutWatcher.WatchAsync(env, settings, Deployment, Limit, ct);
        if (RolloutView.Text(status, "phase") != "promoted")
        {
            throw new DemoFailedException($"{Deployment}@2 was not promoted on error and latency guardrails: phase {RolloutView.Text(status, "phase")} ({RolloutView.Text(status, "reason_text")})");
        }

        var after = await EvaluatorCountersAsync(env, ct);
        var (_, requests, errors) = counts.Snapshot().FirstOrDefault(c => c.Version == 2);
        long Delta(string counter) => (after[counter]?.GetValue<long>() ?? 0) - (before[counter]?.GetValue<long>() ?? 0);
        env.Console.MarkupLine($"[yellow bold]Promoted:[/] {Deployment}@2 is stable. It answered {requests} requests with {errors} errors, and its guardrails stayed quiet:");
        foreach (var line in RolloutView.Guardrails(status))
        {
            env.Console.MarkupLine("  " + Markup.Escape(line));
        }

        env.Console.MarkupLine($"  yet among v2's {Delta("responses_evaluated")} answers the evaluators found {Delta("refusals")} refusals and {Delta("safety_violations")} leaking personal data: no guardrail was watching those signals");
        return new JsonObject
        {
            ["phase"] = status["phase"]?.DeepClone(),
            ["candidate_requests"] = requests,
            ["candidate_client_errors"] = errors,
            ["responses_evaluated"] = Delta("responses_evaluated"),
            ["refusals"] = Delta("refusals"),
            ["safety_violations"] = Delta("safety_violations"),
        };
    }

    /// <summary>Act 3: guardrails on the evaluators' signals roll the same candidate back during its first canary step.</summary>
    private static async Task<JsonObject> QualityGuardedAsync(DemoEnvironment env, DemoSettings settings, CancellationToken ct)
    {
        env.Console.MarkupLine($"[bold]3.[/] The same rollout with quality guardrails too: safety_violations max 0 and refusal_rate vs v1 (hard); 10 % of users for 10 s, then 50 %, then 100 %");
        var plan = DemoPlans.Canary(Deployment, 2, [(10, "10s"), (50, "5s")], [.. Operational(), DemoPlans.Max("safety_violations", 0), DemoPlans.Compare("refusal_rate")]);
        await env.StartRolloutAsync(Deployment, plan, ct);
        var (status, counts) = await RolloutWatcher.WatchAsync(env, settings, Deployment, Limit, ct);
        var facts = RollbackFacts.From(status, counts);
        env.Console.MarkupLine($"[red bold]Rolled back:[/] the controller rolled {Deployment}@2 back to @{facts["to"]} on guardrail [bold]{Markup.Escape(facts["guardrail"]!.ToString())}[/] (hard)");
        foreach (var line in facts["breached"]!.AsArray())
        {
            env.Console.MarkupLine($"  evidence: {Markup.Escape(line!.ToString())}");
        }

        env.Console.MarkupLine($"  time to rollback: {RolloutView.Num(facts, "detection_ms") / 1000:0.00} s from canary start to the decision, then {RolloutView.Num(facts, "propagation_ms"):0.00} ms until the gateway routed by v1 "
            + $"(first request served by v1 {RolloutView.Num(facts, "first_request_ms"):0.00} ms after the rollback call)");
        var served = counts.Snapshot().FirstOrDefault(c => c.Version == 2);
        env.Console.MarkupLine($"  v2 answered {served.Requests} requests before that, every one 200 OK ({served.Errors} errors)");
        return facts;
    }

    private static JsonObject[] Operational() => [DemoPlans.Compare("error_rate"), DemoPlans.Compare("latency_p95", maxRatio: 1.5)];

    /// <summary>Every response evaluated; the default detectors (personal data, refusals, JSON, empty, length).</summary>
    private static JsonObject Evaluators() => new() { ["sample_rate"] = 1.0 };

    /// <summary>The version's newest eval report (the gate's): <c>{summary, report}</c>.</summary>
    private static async Task<JsonNode> LatestEvalAsync(DemoEnvironment env, int version, CancellationToken ct)
    {
        var list = await env.ReadAsync($"deployments/{Deployment}/versions/{version}/evals", $"the evals of {Deployment}@{version}", ct);
        var id = list["evals"]?.AsArray().LastOrDefault()?["id"] ?? throw new DemoFailedException($"the gate stored no eval report for {Deployment}@{version}");
        return await env.ReadAsync($"deployments/{Deployment}/versions/{version}/evals/{id}", $"eval report {id} of {Deployment}@{version}", ct);
    }

    private static int Passed(JsonNode eval) => eval["report"]!["cases"]!.AsArray().Count(c => c?["passed"]?.GetValue<bool>() == true);

    /// <summary>v2's evaluator counters over the last hour (everything in this short demo).</summary>
    private static async Task<JsonNode> EvaluatorCountersAsync(DemoEnvironment env, CancellationToken ct)
    {
        var signals = await env.ReadAsync($"deployments/{Deployment}/signals?window=1h", $"the signals of {Deployment}", ct);
        return signals["versions"]?.AsArray().FirstOrDefault(v => v?["version"]?.GetValue<int>() == 2)?["counters"] ?? new JsonObject();
    }
}
