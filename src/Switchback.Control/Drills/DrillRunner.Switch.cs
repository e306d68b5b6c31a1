using System.Globalization;
using Switchback.Control.Rollbacks;
using Switchback.Core.Routing;
using Switchback.Storage;

namespace Switchback.Control.Drills;

internal sealed partial class DrillRunner
{
    /// <summary>Switches to the target the way a rollback does, verifies it serves, and restores <paramref name="original"/> whatever happened.</summary>
    private async Task<(bool Ok, bool? Restored, double? WindowMs)> SwitchAndRestoreAsync(
        DrillRequest request, RoutingState original, int target, List<DrillStep> steps, List<string> findings, CancellationToken ct)
    {
        var at = time.GetTimestamp();
        var rollback = await rollbacks.RollbackAsync(
            new RollbackRequest(request.Deployment, target, $"drill: {request.Reason}", Force: false, Trigger: "drill", request.Actor), ct);
        var switched = rollback.Status == RollbackStatus.RolledBack;
        steps.Add(new DrillStep(DrillSteps.SwitchToTarget, switched, Ms(at), switched
            ? $"routing moved to {request.Deployment}@{target}; the gateway took it in {rollback.PropagationMs.ToString("0.###", CultureInfo.InvariantCulture)} ms."
            : $"the rollback path refused: {rollback.Message}"));
        if (!switched)
        {
            findings.Add($"A rollback to {request.Deployment}@{target} was refused: {rollback.Message}");
            return (false, null, null);
        }

        var ok = true;
        bool restored;
        try
        {
            at = time.GetTimestamp();
            var (version, problem) = await gateway.ServedVersionAsync(request.Deployment, ct);
            ok = problem is null && version == target;
            var detail = problem ?? $"a synthetic request through the gateway was served by {request.Deployment}@{version}.";
            steps.Add(new DrillStep(DrillSteps.VerifyTarget, ok, Ms(at), detail));
            if (!ok)
            {
                findings.Add(problem is null
                    ? $"After the switch, a synthetic request was served by {request.Deployment}@{version}, not @{target}."
                    : $"After the switch, the target did not serve a synthetic request: {problem}.");
            }
        }
        finally
        {
            at = time.GetTimestamp();
            var problem = await RestoreAsync(request, original, rollback.Routing!);
            restored = problem is null;
            steps.Add(new DrillStep(DrillSteps.SwitchBack, restored, Ms(at), problem ?? $"routing restored: {Describe(original)}."));
            if (problem is not null)
            {
                var loud = $"ROUTING NOT RESTORED: {problem}";
                findings.Add(loud);
                DrillLog.RestoreFailed(logger, request.Deployment, problem);
            }
        }

        // The window users were on the target: from the switch step's start to the end of the restore.
        var window = steps.SkipWhile(s => s.Name != DrillSteps.SwitchToTarget).Sum(s => s.DurationMs);
        return (ok && restored, restored, window);
    }

    /// <summary>Puts back the routing the drill started from; null when it is back exactly, else why not.</summary>
    private async Task<string?> RestoreAsync(DrillRequest request, RoutingState original, RoutingState switched)
    {
        // The restore must run even when the caller's request was cancelled: never leave users on the drill's target.
        var ct = CancellationToken.None;
        try
        {
            var now = await rollbacks.CurrentRoutingAsync(request.Deployment, ct);
            if (now is null || now.Generation != switched.Generation)
            {
                return $"routing of {request.Deployment} changed during the drill (generation {now?.Generation.ToString(CultureInfo.InvariantCulture) ?? "none"}, the drill set {switched.Generation}); " +
                    $"it was left as it is so as not to undo that change. It was before the drill: {Describe(original)}. Check `switchback history {request.Deployment}`.";
            }

            var outcome = await store.SetRoutingStateAsync(original, new AuditContext(request.Actor, $"drill: restore routing after the rehearsal: {request.Reason}"), ct);
            if (outcome.Status is not (RoutingSetStatus.Set or RoutingSetStatus.Unchanged) || outcome.State is null)
            {
                return $"the store refused to restore {Describe(original)} ({outcome.Status}); routing still sends 100 % to {request.Deployment}@{switched.StableVersion}.";
            }

            await rollbacks.SwapAsync(outcome.State, ct);
            var back = outcome.State;
            return SameRouting(back, original) ? null : $"routing after the restore is {Describe(back)}, not {Describe(original)}.";
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            return $"restoring {Describe(original)} failed: {ex.Message}. Routing may still send 100 % to {request.Deployment}@{switched.StableVersion}; " +
                $"restore it with `switchback rollback {request.Deployment} --to {original.StableVersion} --reason \"drill restore\"`.";
        }
    }

    private static bool SameRouting(RoutingState a, RoutingState b)
        => a with { Generation = 0 } == b with { Generation = 0 };

    private static string Describe(RoutingState s)
    {
        var text = $"stable {s.StableVersion}";
        if (s.CandidateVersion is { } c)
        {
            text += $", candidate {c} at {(s.CandidateWeightBps / 100.0).ToString("0.##", CultureInfo.InvariantCulture)} %";
        }

        if (s.ShadowVersion is { } sh)
        {
            text += $", shadow {sh} at {(s.ShadowSampleBps / 100.0).ToString("0.##", CultureInfo.InvariantCulture)} %";
        }

        return text;
    }
}
