using System.Globalization;
using Microsoft.Extensions.Logging;
using Switchback.Control.Rollbacks;
using Switchback.Core.Routing;
using Switchback.Gateway.Health;
using Switchback.Storage;

namespace Switchback.Control.Drills;

/// <summary>
/// Rehearses a rollback on a live deployment: resolves the target with <see cref="RollbackService.DefaultTargetAsync"/>,
/// checks it is warm with <see cref="IVersionHealthMonitor.CheckNowAsync"/>, and unless it is a dry run switches to it
/// through <see cref="RollbackService.RollbackAsync"/>, verifies a synthetic request is served by it, and restores the
/// original routing exactly (always, in a finally). Every step is timed on the injected clock; the drill is recorded in the
/// store and the audit log (<c>drill.run</c>). Stateless apart from its dependencies, so thread-safe.
/// </summary>
internal sealed partial class DrillRunner(
    IRegistryStore store,
    RollbackService rollbacks,
    IVersionHealthMonitor health,
    IGatewayProbe gateway,
    TimeProvider time,
    ILogger<DrillRunner> logger)
{
    public async Task<DrillResult> RunAsync(DrillRequest request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        var started = time.GetTimestamp();
        var startedAt = time.GetUtcNow();
        var id = "drill-" + startedAt.ToString("yyyyMMddHHmmssfff", CultureInfo.InvariantCulture) + "-" + Guid.NewGuid().ToString("N")[..6];
        var steps = new List<DrillStep>();
        var findings = new List<string>();
        DrillResult Result(DrillStatus status, int? target, RoutingState? routing, bool? restored = null, double? window = null)
            => new(id, request.Deployment, request.DryRun, status, startedAt, request.Reason, request.Actor, target, routing, steps, findings, restored, window,
                time.GetElapsedTime(started).TotalMilliseconds);

        var original = await rollbacks.CurrentRoutingAsync(request.Deployment, ct);
        if (original is null)
        {
            findings.Add($"Deployment '{request.Deployment}' does not exist.");
            return Result(DrillStatus.NotFound, null, null);
        }

        if (!request.DryRun && await store.GetActiveRolloutAsync(request.Deployment, ct) is { } active)
        {
            findings.Add($"{request.Deployment} has an active rollout ({active.Id}, {active.Phase}); a drill would abort it. Run with --dry-run, or wait for it to finish.");
            return Result(DrillStatus.RolloutActive, null, original);
        }

        var target = await ResolveAsync(request.Deployment, original, steps, findings, ct);
        var ok = target is { } t && await WarmCheckAsync(request.Deployment, t, steps, findings, ct);
        bool? restored = null;
        double? window = null;
        if (ok && !request.DryRun)
        {
            (ok, restored, window) = await SwitchAndRestoreAsync(request, original, target!.Value, steps, findings, ct);
        }

        var result = Result(ok ? DrillStatus.Passed : DrillStatus.Failed, target, original, restored, window);
        await RecordAsync(result);
        return result;
    }

    private async Task<int?> ResolveAsync(string deployment, RoutingState original, List<DrillStep> steps, List<string> findings, CancellationToken ct)
    {
        var at = time.GetTimestamp();
        var target = await rollbacks.DefaultTargetAsync(deployment, original.StableVersion, ct);
        var problem = target switch
        {
            null => $"{deployment} has no previous stable version to roll back to: a rollback today would need --to.",
            { } v when v == original.StableVersion && original.CandidateVersion is null =>
                $"{deployment}@{v} already serves 100 %: a rollback would have nothing to switch.",
            _ => null,
        };
        var detail = problem ?? $"`switchback rollback {deployment}` would go back to {deployment}@{target} (now stable: {original.StableVersion}).";
        steps.Add(new DrillStep(DrillSteps.ResolveTarget, problem is null, Ms(at), detail));
        if (problem is not null)
        {
            findings.Add(problem);
            return null;
        }

        return target;
    }

    private async Task<bool> WarmCheckAsync(string deployment, int target, List<DrillStep> steps, List<string> findings, CancellationToken ct)
    {
        var at = time.GetTimestamp();
        var checkedHealth = await health.CheckNowAsync(deployment, target, ct);
        string? problem = checkedHealth switch
        {
            null => $"{deployment}@{target} does not exist or is archived: a rollback to it would be refused.",
            // CheckNowAsync reports a failed probe or synthetic request as unhealthy even before the breaker opens.
            { } h when !h.IsServing =>
                $"{deployment}@{target} is not warm ({h.State.ToString().ToLowerInvariant()}): {h.LastCheckError ?? h.LastProbeError ?? "its upstream does not answer"}. A rollback now would be refused; fix its upstream before you need it.",
            _ => null,
        };
        var detail = problem ?? $"{deployment}@{target} is {checkedHealth!.State.ToString().ToLowerInvariant()}: probe HTTP {checkedHealth.LastProbeStatus?.ToString(CultureInfo.InvariantCulture) ?? "-"}" +
            $" in {checkedHealth.LastProbeLatencyMs?.ToString("0.#", CultureInfo.InvariantCulture) ?? "-"} ms, synthetic request HTTP {checkedHealth.LastCheckStatus?.ToString(CultureInfo.InvariantCulture) ?? "-"}.";
        steps.Add(new DrillStep(DrillSteps.WarmCheck, problem is null, Ms(at), detail));
        if (problem is not null)
        {
            findings.Add(problem);
        }

        return problem is null;
    }

    private async Task RecordAsync(DrillResult result)
    {
        var json = DrillJson.ToJson(result).ToJsonString();
        var outcome = DrillJson.StatusText(result.Status);

        // Recorded even when the caller gave up: a drill that touched routing must leave its trace.
        await store.RecordDrillAsync(new StoredDrill(result.Id, result.Deployment, result.DryRun, outcome, result.StartedAt, result.Actor, result.Reason, json), CancellationToken.None);
        DrillLog.Finished(logger, result.Deployment, result.Id, outcome, result.TotalMs);
    }

    private double Ms(long since) => time.GetElapsedTime(since).TotalMilliseconds;
}
