using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Switchback.Control.Alerts;
using Switchback.Control.Fleet;
using Switchback.Control.Rollbacks;
using Switchback.Core.Rollouts;
using Switchback.Storage;
using Switchback.Storage.Fleet;

namespace Switchback.Control.Rollouts;

/// <summary>
/// The rollout controller: while this process leads (<see cref="ILeadership"/>), every <see cref="TickInterval"/> on the injected
/// clock — or at once when a rollout is started or a command queued — it applies queued commands, then observes each active
/// rollout, calls the pure <see cref="RolloutDecider.Decide"/>, persists the new state first (optimistic concurrency, fenced by the
/// leader's term), then executes the actions (routing, promotion, rollback, alerts). On becoming leader it re-applies the routing
/// every rollout's persisted phase implies, so a process killed mid-rollout, or a leader replaced, carries on where it was.
/// Thread-safe: one lock serialises every tick and command in this process; generations and the fence guard other processes.
/// </summary>
internal sealed partial class RolloutController(
    IRegistryStore store,
    IFleetStore fleet,
    RolloutObserver observer,
    IRolloutSignals signals,
    RollbackService rollbacks,
    IAlertDispatcher alerts,
    IGateRunner gateRunner,
    ILeadership leadership,
    RolloutPhaseMetrics phases,
    Evidence.EvidenceRecorder evidence,
    IOptions<FleetOptions> fleetOptions,
    TimeProvider time,
    ILogger<RolloutController> logger) : BackgroundService
{
    /// <summary>How often rollouts are reconciled.</summary>
    public static readonly TimeSpan TickInterval = TimeSpan.FromSeconds(1);

    private const string Actor = "controller";

    private readonly SemaphoreSlim gate = new(1, 1);

    /// <summary>Applies queued commands, then reconciles every active rollout once, at the clock's now.</summary>
    public async Task TickAsync(CancellationToken ct)
    {
        try
        {
            await ApplyQueuedCommandsAsync(ct);
            var active = await store.ListActiveRolloutsAsync(ct);
            phases.Set(active);
            foreach (var rollout in active)
            {
                await gate.WaitAsync(ct);
                try
                {
                    // Re-read under the lock: a command may have moved it since the list was taken.
                    if (await store.GetActiveRolloutAsync(rollout.Deployment, ct) is { } fresh && fresh.Id == rollout.Id)
                    {
                        await (fresh.Phase == RolloutPhase.Pending ? FirstStepAsync(fresh, Actor, ct) : ReconcileAsync(fresh, ct));
                    }
                }
                catch (FencedException)
                {
                    throw;
                }
                catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
                {
                    RolloutLog.TickFailed(logger, ex, rollout.Deployment);
                }
                finally
                {
                    gate.Release();
                }
            }
        }
        catch (FencedException ex)
        {
            // Another replica leads now: stop at once, before acting on anything more.
            phases.Clear();
            leadership.Lost(ex);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            // An unavailable store must not end this background service: that would stop the whole host, gateway included,
            // which keeps serving on its last routing snapshot.
            RolloutLog.ListFailed(logger, ex);
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        long resumedFor = 0;
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                // The wait starts before the work, so a clock advanced while the work runs is not missed.
                var wait = leadership.WaitForWorkAsync(TickInterval, time, stoppingToken);
                if (leadership.IsLeader)
                {
                    // Ticks wait until the routing of persisted rollouts has been re-applied; that is retried while the store is down.
                    var elections = leadership.Elections;
                    if (resumedFor != elections && await TryResumeAsync(stoppingToken))
                    {
                        resumedFor = elections;
                    }

                    if (resumedFor == elections)
                    {
                        await TickAsync(stoppingToken);
                    }
                }
                else
                {
                    phases.Clear();
                }

                await wait;
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down.
        }
    }

    /// <summary>The audit context of a controller write: the actor and, while leading, the leader's fence.</summary>
    private AuditContext Who(string actor, string? reason) => new(actor, reason) { Fence = leadership.Fence };

    /// <summary>One reconcile step of one rollout (caller holds the lock); returns the state in force afterwards.</summary>
    private async Task<RolloutState> ReconcileAsync(RolloutState state, CancellationToken ct)
    {
        if (state.Phase == RolloutPhase.Gating)
        {
            await ResumeGateAsync(state, ct);
            return state;
        }

        var now = time.GetUtcNow();
        var observation = await observer.ObserveAsync(state, now, ct);
        var at = signals.Lags ? observation.IntervalEnd : now;
        var decision = RolloutDecider.Decide(state, observation, at);
        var after = await PersistAndActAsync(state, decision, ct) ?? state;

        // After the actions (a rollback's switch among them); it only enqueues, the store write runs elsewhere.
        evidence.Observe(after, leadership.Fence);
        return after;
    }

    /// <summary>Persists <paramref name="decision"/>'s state, then runs its actions; null when someone else saved first.</summary>
    private async Task<RolloutState?> PersistAndActAsync(RolloutState before, RolloutDecision decision, CancellationToken ct, string actor = Actor, CommandCompletion? completes = null)
    {
        var next = decision.Next;
        if (ReferenceEquals(next, before))
        {
            return before;
        }

        var reason = next.History.Count > before.History.Count ? next.History[^1].Reason : next.ReasonText;
        if (await store.SaveRolloutAsync(next, before.Generation, Who(actor, reason) with { Completes = completes }, ct) != RolloutSaveStatus.Saved)
        {
            RolloutLog.Stale(logger, next.Id, next.Deployment);
            return null;
        }

        System.Diagnostics.Activity? span = null;
        if (next.History.Count > before.History.Count)
        {
            var last = next.History[^1];
            RolloutLog.Decided(logger, next.Id, next.Deployment, last.Kind.ToString(), next.Phase.ToString(), last.Reason);

            // The decision's span covers the actions that carry it out (a rollback's routing switch among them).
            span = ControllerTelemetry.StartDecision(next, last, actor);
        }

        using var decided = span;

        foreach (var action in decision.Actions)
        {
            await ExecuteAsync(next, action, actor, ct);
        }

        if (before.Phase is RolloutPhase.Pending or RolloutPhase.Gating && next.Phase is not (RolloutPhase.Pending or RolloutPhase.Gating)
            && !next.IsFinished)
        {
            // The rollout's own traffic begins with the routing just applied, so its first counted second is the next whole
            // one. Not at the rollout's first tick: that is the Pending tick, before a gate, and the gate's pinned requests to
            // both versions (which land in the same signal windows) would then fill the first interval. The gate has finished
            // here (its result is what moved the rollout), and no tick observes while it runs (ReconcileAsync skips Gating).
            observer.Start(next.Id, time.GetUtcNow());
        }

        if (next.IsFinished)
        {
            // Last, after the routing: promotion already moved stable to the candidate, so the alias has no job left.
            await rollbacks.ClearCandidateAliasAsync(next, actor, ct, leadership.Fence);
            observer.Forget(next.Id);
        }

        return next;
    }

    private async Task ExecuteAsync(RolloutState rollout, RolloutAction action, string actor, CancellationToken ct)
    {
        switch (action)
        {
            case SetRoutingAction set:
                await SetRoutingAsync(rollout, current => RolloutRouting.Apply(current, rollout, set), actor, ct);
                break;
            case PromoteAction promote:
                await SetRoutingAsync(rollout, current => RolloutRouting.Promote(current, promote.Version), actor, ct);
                break;
            case RollbackAction rollback:
                await rollbacks.RollbackAsync(
                    new RollbackRequest(rollout.Deployment, rollout.StableVersion, rollout.ReasonText, Force: true, rollback.Trigger, actor, leadership.Fence), ct);
                break;
            case RunGateAction:
                StartGate(rollout);
                break;
            case AlertAction alert when rollout.Spec.Alerts.Length > 0:
                alerts.Enqueue(RolloutAlerts.Message(rollout, alert, time.GetUtcNow()), RolloutAlerts.Receivers(rollout));
                break;
        }
    }

    private async Task SetRoutingAsync(RolloutState rollout, Func<Core.Routing.RoutingState, Core.Routing.RoutingState> change, string actor, CancellationToken ct)
    {
        var current = await rollbacks.CurrentRoutingAsync(rollout.Deployment, ct)
            ?? throw new InvalidOperationException($"deployment '{rollout.Deployment}' has no stable version");
        var outcome = await store.SetRoutingStateAsync(change(current), Who(actor, $"rollout {rollout.Id}: {rollout.ReasonText}"), ct);
        if (outcome.State is { } state && outcome.Status is RoutingSetStatus.Set or RoutingSetStatus.Unchanged)
        {
            await rollbacks.SwapAsync(state, ct);
        }
        else
        {
            throw new InvalidOperationException($"routing of '{rollout.Deployment}' was refused: {outcome.Status} (version {outcome.Version})");
        }
    }

    /// <summary>Re-applies persisted rollouts' routing (see <see cref="ResumeAsync"/>); false when the store could not be read.</summary>
    private async Task<bool> TryResumeAsync(CancellationToken ct)
    {
        try
        {
            await ResumeAsync(ct);
            return true;
        }
        catch (FencedException ex)
        {
            leadership.Lost(ex);
            return false;
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            RolloutLog.ListFailed(logger, ex);
            return false;
        }
    }

    /// <summary>
    /// On becoming leader (or after a restart): makes the routing match every deployment's latest rollout
    /// (see <see cref="RolloutRouting.Expected"/>), and forgets cursors another leader may have moved past.
    /// </summary>
    internal async Task ResumeAsync(CancellationToken ct)
    {
        await gate.WaitAsync(ct);
        try
        {
            foreach (var deployment in await store.ListDeploymentsAsync(ct))
            {
                var latest = (await store.ListRolloutsAsync(deployment.Name, ct)).FirstOrDefault();
                if (latest is not null)
                {
                    observer.Forget(latest.Id);
                }

                var current = latest is null ? null : await rollbacks.CurrentRoutingAsync(deployment.Name, ct);
                if (latest is null || current is null || RolloutRouting.Expected(current, latest) is not { } expected
                    || expected == current)
                {
                    continue;
                }

                var outcome = await store.SetRoutingStateAsync(expected, Who(Actor, $"rollout {latest.Id}: routing re-applied after a restart"), ct);
                if (outcome.State is { } state)
                {
                    await rollbacks.SwapAsync(state, ct);
                    RolloutLog.Reapplied(logger, latest.Id, latest.Deployment, state.Generation);
                }
            }
        }
        finally
        {
            gate.Release();
        }
    }
}
