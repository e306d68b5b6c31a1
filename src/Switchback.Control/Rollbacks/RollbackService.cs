using Switchback.Control.Rollouts;
using Switchback.Core.Rollouts;
using Switchback.Core.Routing;
using Switchback.Gateway.Routing;
using Switchback.Storage;

namespace Switchback.Control.Rollbacks;

/// <summary>
/// Instant rollback, shared by the admin endpoint, <c>rollout abort</c> and the controller's automatic rollback: picks and
/// checks the target, ends an active rollout (persisted first), writes the routing (which moves <c>stable</c> with it),
/// swaps this process's routing snapshot, and returns only once the gateway routes to the target. Thread-safe.
/// </summary>
internal sealed class RollbackService(
    IRegistryStore store,
    RoutingSwitch routing,
    ITargetHealthCheck health,
    RollbackCounter metrics,
    FirstServedProbe firstServed,
    RollbackTimings timings,
    TimeProvider time,
    Fleet.FleetPropagation? fleet = null)
{
    /// <summary>The alias naming an active rollout's candidate.</summary>
    public const string CandidateAlias = "candidate";

    public async Task<RollbackResult> RollbackAsync(RollbackRequest request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        var started = time.GetTimestamp();
        var current = await CurrentRoutingAsync(request.Deployment, ct);
        if (current is null)
        {
            return new RollbackResult(RollbackStatus.NotFound, $"Deployment '{request.Deployment}' does not exist.");
        }

        var active = await store.GetActiveRolloutAsync(request.Deployment, ct);
        var target = request.To ?? await DefaultTargetAsync(request.Deployment, current.StableVersion, ct);
        if (target is not { } to)
        {
            return new RollbackResult(RollbackStatus.NoTarget,
                $"{request.Deployment} has no previous stable version to go back to; name one with --to.", current.StableVersion);
        }

        var bundle = await store.GetBundleAsync(new Core.Bundles.VersionRef(request.Deployment, to), ct);
        if (bundle is null)
        {
            return new RollbackResult(RollbackStatus.NotFound, $"{request.Deployment}@{to} does not exist.", current.StableVersion, to);
        }

        if (bundle.Archived)
        {
            return new RollbackResult(RollbackStatus.Archived, $"{request.Deployment}@{to} is archived; it cannot receive traffic.", current.StableVersion, to);
        }

        var now = time.GetUtcNow();
        var window = active?.Spec.RollbackWindow ?? RolloutSpec.DefaultRollbackWindow;
        var fast = RollbackPlanner.IsFastPath(to, await LastServedAsync(current, to, now, ct), window, now);
        string? healthText = null;
        if (!request.Force)
        {
            if (!fast)
            {
                return new RollbackResult(RollbackStatus.OutsideWindow,
                    $"{request.Deployment}@{to} has not served within the rollback window ({window}); roll it out with 'switchback rollout start', or pass --force.",
                    current.StableVersion, to);
            }

            if (await health.ProblemAsync(request.Deployment, to, ct) is { } problem)
            {
                return new RollbackResult(RollbackStatus.Unhealthy, $"Refused: the target is not healthy: {problem}. Pass --force to roll back anyway.",
                    current.StableVersion, to, Health: problem);
            }

            healthText = "healthy";
        }

        var aborted = active is null ? null : await AbortAsync(active, request, ct);
        var next = RolloutRouting.Only(current, to);
        if (next == current)
        {
            if (aborted is not null)
            {
                await ClearCandidateAliasAsync(active!, request.Actor, ct, request.Fence);
            }

            return new RollbackResult(RollbackStatus.Unchanged, $"{request.Deployment}@{to} already serves 100 %.", current.StableVersion, to, fast,
                0, time.GetElapsedTime(started).TotalMilliseconds, current, aborted, healthText);
        }

        var switching = time.GetTimestamp();
        // Users go back to the known-good version before the disk write: the store's commit must not delay a rollback.
        var ahead = routing.RouteAhead(next);
        var firstRequest = ahead is { } early ? firstServed.Arm(request.Deployment, to, early.Generation, started) : null;
        var propagation = time.GetElapsedTime(switching).TotalMilliseconds;
        var outcome = await store.SetRoutingStateAsync(next, new AuditContext(request.Actor, $"rollback ({request.Trigger}): {request.Reason}") { Fence = request.Fence }, ct);
        if (outcome.Status is RoutingSetStatus.NotFound or RoutingSetStatus.Archived)
        {
            if (ahead is not null)
            {
                routing.Revert(current);
            }

            return new RollbackResult(RollbackStatus.NotFound, $"{request.Deployment}@{outcome.Version} is missing or archived.", current.StableVersion, to);
        }

        var applied = outcome.State ?? next;
        // Armed before the swap, so the first request routed by the new snapshot cannot slip through unseen.
        firstRequest ??= firstServed.Arm(request.Deployment, to, applied.Generation, started);
        await SwapAsync(applied, ct);
        if (ahead is null)
        {
            propagation = time.GetElapsedTime(switching).TotalMilliseconds;
        }

        var total = time.GetElapsedTime(started).TotalMilliseconds;
        if (aborted is not null)
        {
            await ClearCandidateAliasAsync(active!, request.Actor, ct, request.Fence);
        }

        // Every other replica applies it on the store's notification; how many did, and how fast, is known a few ms later.
        var replicas = fleet is not null && outcome.Epoch > 0 ? fleet.WaitAsync(outcome.Epoch, switching, CancellationToken.None) : null;
        timings.Record(request.Deployment, new RollbackTiming(now, current.StableVersion, to, request.Trigger, propagation, total, firstRequest) { Replicas = replicas });
        metrics.Count(request.Deployment, request.Trigger);
        return new RollbackResult(RollbackStatus.RolledBack,
            $"{request.Deployment} rolled back from {current.StableVersion}{(current.CandidateVersion is { } c ? $" (candidate {c})" : string.Empty)} to {to}.",
            current.StableVersion, to, fast, propagation, total, applied, aborted, healthText) { Replicas = replicas };
    }

    /// <summary>
    /// Removes the <c>candidate</c> alias once <paramref name="rollout"/> has ended, if it still names the rollout's candidate
    /// (a user's later move of the alias is kept). Runs after the routing change, so it never delays users.
    /// </summary>
    public async Task ClearCandidateAliasAsync(RolloutState rollout, string actor, CancellationToken ct, Storage.Fleet.LeaderFence? fence = null)
    {
        var info = await store.GetDeploymentAsync(rollout.Deployment, ct);
        if (info is not null && info.Aliases.TryGetValue(CandidateAlias, out var version) && version == rollout.CandidateVersion)
        {
            await store.RemoveAliasAsync(rollout.Deployment, CandidateAlias, new AuditContext(actor, $"rollout {rollout.Id} ended: {rollout.ReasonText}") { Fence = fence }, ct);
        }
    }

    /// <summary>
    /// The version a rollback without <c>--to</c> goes back to: the active rollout's stable, else the version <c>stable</c>
    /// last moved from to <paramref name="currentStable"/>; null when there is none. Drills and runbooks use it too.
    /// </summary>
    public async Task<int?> DefaultTargetAsync(string deployment, int currentStable, CancellationToken ct)
        => (await store.GetActiveRolloutAsync(deployment, ct))?.StableVersion ?? await PreviousStableAsync(deployment, currentStable, ct);

    /// <summary>The routing in force: the stored state, else 100 % to the <c>stable</c> alias; null for an unknown deployment.</summary>
    public async Task<RoutingState?> CurrentRoutingAsync(string deployment, CancellationToken ct)
    {
        if (await store.GetRoutingStateAsync(deployment, ct) is { } stored)
        {
            return stored;
        }

        var info = await store.GetDeploymentAsync(deployment, ct);
        return info is not null && info.Aliases.TryGetValue("stable", out var stable) ? new RoutingState(deployment, stable) : null;
    }

    /// <summary>Makes this process's gateway route by <paramref name="state"/> and returns once it does.</summary>
    public Task SwapAsync(RoutingState state, CancellationToken ct) => routing.SwapAsync(state, ct);

    private async Task<string?> AbortAsync(RolloutState active, RollbackRequest request, CancellationToken ct)
    {
        var state = active;
        for (var attempt = 0; attempt < 5; attempt++)
        {
            var result = RolloutDecider.Apply(state, new AbortCommand($"rollback: {request.Reason}"), time.GetUtcNow());
            if (!result.Accepted)
            {
                return null;
            }

            var saved = await store.SaveRolloutAsync(result.Decision!.Next, state.Generation, new AuditContext(request.Actor, request.Reason) { Fence = request.Fence }, ct);
            if (saved == RolloutSaveStatus.Saved)
            {
                return state.Id;
            }

            // Someone (the controller) saved first: take its state and try again; it may have finished meanwhile.
            state = (await store.ListRolloutsAsync(active.Deployment, ct)).FirstOrDefault(r => r.Id == active.Id) ?? state;
            if (state.IsFinished)
            {
                return null;
            }
        }

        throw new InvalidOperationException($"rollout {active.Id} kept changing while it was being aborted");
    }

    private async Task<int?> PreviousStableAsync(string deployment, int stable, CancellationToken ct)
    {
        var history = await store.GetAliasHistoryAsync(deployment, ct);
        return history.LastOrDefault(e => e.Alias == "stable" && e.ToVersion == stable && e.FromVersion is not null)?.FromVersion;
    }

    /// <summary>When <paramref name="version"/> last served users: now if it serves, else when <c>stable</c> last left it.</summary>
    private async Task<DateTimeOffset?> LastServedAsync(RoutingState current, int version, DateTimeOffset now, CancellationToken ct)
    {
        if (current.StableVersion == version || (current.CandidateVersion == version && current.CandidateWeightBps > 0))
        {
            return now;
        }

        var history = await store.GetAliasHistoryAsync(current.Deployment, ct);
        return history.LastOrDefault(e => e.Alias == "stable" && e.FromVersion == version)?.Time;
    }
}
