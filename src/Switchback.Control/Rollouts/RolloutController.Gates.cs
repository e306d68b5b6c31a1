using System.Collections.Concurrent;
using Switchback.Core.Rollouts;

namespace Switchback.Control.Rollouts;

/// <summary>
/// Gates: a <see cref="RunGateAction"/> starts the eval in the background (it takes minutes, so never under the lock nor
/// inside the HTTP request); its <see cref="GateResult"/> comes back through <see cref="RolloutDecider.Decide"/> like any
/// observation. A rollout found in <see cref="RolloutPhase.Gating"/> with no gate running here (after a restart) runs it again
/// from the dataset kept in its state.
/// </summary>
internal sealed partial class RolloutController
{
    private const string GateActor = "controller (system:gate)";

    private readonly ConcurrentDictionary<string, Task> runningGates = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource shutdown = new();

    /// <summary>Completes when no gate is running in this process (tests wait on it instead of sleeping).</summary>
    internal Task WhenGatesIdleAsync() => Task.WhenAll(runningGates.Values);

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await shutdown.CancelAsync();
        await base.StopAsync(cancellationToken);
    }

    public override void Dispose()
    {
        if (!shutdown.IsCancellationRequested)
        {
            shutdown.Cancel();
        }

        shutdown.Dispose();
        base.Dispose();
    }

    /// <summary>Starts the rollout's gate unless it already runs here; the caller holds the lock, so the task cannot finish before it is listed.</summary>
    private void StartGate(RolloutState rollout)
    {
        if (runningGates.ContainsKey(rollout.Id) || shutdown.IsCancellationRequested)
        {
            return;
        }

        var token = shutdown.Token;
        runningGates[rollout.Id] = Task.Run(() => RunGateAsync(rollout, token), CancellationToken.None);
    }

    private async Task RunGateAsync(RolloutState rollout, CancellationToken ct)
    {
        GateResult? result = null;
        string? failure = null;
        try
        {
            var dataset = await store.GetGateDatasetAsync(rollout.Id, ct)
                ?? throw new InvalidOperationException($"the gate dataset of rollout {rollout.Id} is not in the store");
            var run = await gateRunner.RunAsync(rollout, dataset, ct);
            result = run.Result with { Summary = run.Summary };
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // Shutting down: the rollout stays in Gating and the next process runs the gate again.
            runningGates.TryRemove(rollout.Id, out _);
            return;
        }
        catch (Exception ex)
        {
            RolloutLog.GateError(logger, ex, rollout.Id, rollout.Deployment);
            failure = ex.Message;
        }

        await gate.WaitAsync(CancellationToken.None);
        try
        {
            if (await store.GetActiveRolloutAsync(rollout.Deployment, ct) is { Phase: RolloutPhase.Gating } current && current.Id == rollout.Id)
            {
                await FinishGateAsync(current, result, failure, ct);
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            RolloutLog.TickFailed(logger, ex, rollout.Deployment);
        }
        catch (OperationCanceledException)
        {
            // Shutting down.
        }
        finally
        {
            runningGates.TryRemove(rollout.Id, out _);
            gate.Release();
        }
    }

    private async Task FinishGateAsync(RolloutState current, GateResult? result, string? failure, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        if (result is not null)
        {
            await PersistAndActAsync(current, RolloutDecider.Decide(current, new RolloutObservation(now) { Gate = result }, now), ct, GateActor);
            return;
        }

        await AbortGateAsync(current, $"the gate on {current.Spec.Gate!.Dataset} could not run: {failure}", ct);
    }

    /// <summary>Ends a gated rollout that cannot be judged (no routing was ever set), with a gate_failed alert.</summary>
    private async Task AbortGateAsync(RolloutState current, string message, CancellationToken ct)
    {
        var applied = RolloutDecider.Apply(current, new AbortCommand(message), time.GetUtcNow());
        if (applied.Decision is { } decision && await PersistAndActAsync(current, decision, ct, GateActor) is { IsFinished: true } next)
        {
            await ExecuteAsync(next, new AlertAction(AlertKind.GateFailed, message, []), GateActor, ct);
        }
    }

    /// <summary>A rollout in Gating with no gate running here: run it again, or end it when its dataset was never kept.</summary>
    private async Task ResumeGateAsync(RolloutState state, CancellationToken ct)
    {
        if (runningGates.ContainsKey(state.Id))
        {
            return;
        }

        if (await store.GetGateDatasetAsync(state.Id, ct) is null)
        {
            await AbortGateAsync(state, "the gate was interrupted and its dataset was not kept; start the rollout again", ct);
            return;
        }

        StartGate(state);
    }
}
