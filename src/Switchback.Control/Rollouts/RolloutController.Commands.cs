using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Switchback.Core.OfflineEvals;
using Switchback.Core.Rollouts;
using Switchback.Storage;
using Switchback.Storage.Fleet;

namespace Switchback.Control.Rollouts;

/// <summary>
/// Starting a rollout and operator commands: the same persist-then-act path as a tick. Any replica may be asked; the start is
/// persisted where it is asked, and a command given to a follower is queued in the store and applied by the leader, which marks
/// it done in the same transaction as the state it changed (so it is never applied twice), while the follower waits for it.
/// </summary>
internal sealed partial class RolloutController
{
    private static readonly TimeSpan QueuePoll = TimeSpan.FromMilliseconds(20);

    /// <summary>
    /// Starts a rollout of <paramref name="candidate"/> under <paramref name="spec"/> and, on the leader, runs its first step at
    /// once (a follower waits for the leader to run it). A gated spec needs <paramref name="gateDataset"/> (the dataset's text,
    /// validated here and kept beside the state); its gate then runs in the background and no routing changes until it passes.
    /// </summary>
    public async Task<RolloutStartResult> BeginAsync(RolloutSpec spec, int candidate, string actor, CancellationToken ct, string? gateDataset = null)
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (GateProblem(spec, gateDataset) is { } problem)
        {
            return new RolloutStartResult(RolloutStartResultStatus.Invalid, null, problem);
        }

        var current = await rollbacks.CurrentRoutingAsync(spec.Deployment, ct);
        if (current is null)
        {
            return new RolloutStartResult(RolloutStartResultStatus.NotFound, null, $"Deployment '{spec.Deployment}' does not exist.");
        }

        RolloutState state;
        try
        {
            state = RolloutState.Create("r-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4)), spec, current.StableVersion, candidate, time.GetUtcNow())
                with { GateDataset = spec.Gate is null ? null : gateDataset };
        }
        catch (ArgumentException ex)
        {
            return new RolloutStartResult(RolloutStartResultStatus.Invalid, null, ex.Message.Split(" (Parameter", 2)[0]);
        }

        await gate.WaitAsync(ct);
        RolloutStartOutcome outcome;
        RolloutState? first = null;
        try
        {
            outcome = await store.StartRolloutAsync(state, new AuditContext(actor, $"roll out {spec.Deployment}@{candidate} over {current.StableVersion}"), ct);
            if (outcome.Status == RolloutStartStatus.Started && leadership.IsLeader)
            {
                first = await FirstStepAsync(state, actor, ct);
            }
        }
        catch (FencedException ex)
        {
            // Leadership moved while this process started the rollout: the new leader runs its first step.
            leadership.Lost(ex);
            outcome = new RolloutStartOutcome(RolloutStartStatus.Started, state);
        }
        finally
        {
            gate.Release();
        }

        return outcome.Status switch
        {
            RolloutStartStatus.Started => new RolloutStartResult(RolloutStartResultStatus.Started, first ?? await WaitForLeaderAsync(state, ct), "started"),
            RolloutStartStatus.ActiveExists => new RolloutStartResult(RolloutStartResultStatus.ActiveExists, outcome.Rollout,
                $"{spec.Deployment} already has an active rollout ({outcome.Rollout!.Id}, candidate {outcome.Rollout.CandidateVersion}, {outcome.Rollout.Phase}): one at a time; abort it first."),
            RolloutStartStatus.Archived => new RolloutStartResult(RolloutStartResultStatus.Invalid, null, $"{spec.Deployment}@{outcome.Version} is archived; it cannot be rolled out."),
            _ => new RolloutStartResult(RolloutStartResultStatus.NotFound, null, $"{spec.Deployment}@{outcome.Version} does not exist."),
        };
    }

    /// <summary>
    /// Applies an operator command to the deployment's active rollout: on the leader at once (persisted, then acted on), on a
    /// follower queued for the leader, waiting up to <see cref="Fleet.FleetOptions.CommandWait"/> for its outcome.
    /// </summary>
    public async Task<RolloutCommandOutcome> CommandAsync(string deployment, RolloutCommand command, string actor, CancellationToken ct)
    {
        if (!leadership.IsLeader)
        {
            return await QueueAsync(deployment, command, actor, ct);
        }

        await gate.WaitAsync(ct);
        try
        {
            return await ApplyAsync(deployment, command, actor, completes: null, ct);
        }
        catch (FencedException ex)
        {
            leadership.Lost(ex);
        }
        finally
        {
            gate.Release();
        }

        // Leadership moved under this command: nothing was applied, so the new leader applies it.
        return await QueueAsync(deployment, command, actor, ct);
    }

    /// <summary>The command's name and reason as queued (<c>promote</c>, <c>pause</c>, <c>resume</c>, <c>abort</c>).</summary>
    public static (string Name, string? Reason) Describe(RolloutCommand command) => command switch
    {
        PromoteCommand => ("promote", null),
        PauseCommand p => ("pause", p.Reason),
        ResumeCommand => ("resume", null),
        AbortCommand a => ("abort", a.Reason),
        _ => throw new ArgumentException($"unknown rollout command {command.GetType().Name}", nameof(command)),
    };

    /// <summary>The command a queued name and reason stand for; null for an unknown name.</summary>
    public static RolloutCommand? Parse(string name, string? reason) => name switch
    {
        "promote" => new PromoteCommand(),
        "pause" => new PauseCommand(reason ?? "paused"),
        "resume" => new ResumeCommand(),
        "abort" => new AbortCommand(reason ?? "aborted"),
        _ => null,
    };

    /// <summary>After the start is stored: <c>candidate</c> names the rollout's candidate, then the first step runs.</summary>
    private async Task<RolloutState> FirstStepAsync(RolloutState state, string actor, CancellationToken ct)
    {
        await store.SetAliasAsync(
            new Core.Bundles.VersionRef(state.Deployment, state.CandidateVersion), Rollbacks.RollbackService.CandidateAlias, Who(actor, $"rollout {state.Id} started"), ct);
        return await ReconcileAsync(state, ct);
    }

    /// <summary>The leader's path for a command (caller holds the lock); <paramref name="completes"/> marks a queued one done with the save.</summary>
    private async Task<RolloutCommandOutcome> ApplyAsync(string deployment, RolloutCommand command, string actor, CommandCompletion? completes, CancellationToken ct)
    {
        for (var attempt = 0; attempt < 5; attempt++)
        {
            var active = await store.GetActiveRolloutAsync(deployment, ct);
            if (active is null)
            {
                return new RolloutCommandOutcome(null, $"{deployment} has no active rollout.");
            }

            var result = RolloutDecider.Apply(active, command, time.GetUtcNow());
            if (!result.Accepted)
            {
                return new RolloutCommandOutcome(active, result.Refusal);
            }

            if (await PersistAndActAsync(active, result.Decision!, ct, actor, completes) is { } next)
            {
                return new RolloutCommandOutcome(next, null);
            }

            if (completes is not null && (await fleet.GetRolloutCommandAsync(completes.Id, ct))?.DoneAt is not null)
            {
                // A previous leader applied it and died before it could tell anyone: do not apply it twice.
                return new RolloutCommandOutcome(await store.GetActiveRolloutAsync(deployment, ct), null);
            }
        }

        throw new InvalidOperationException($"the rollout of {deployment} kept changing while the command was applied");
    }

    /// <summary>The leader applies every queued command, oldest first, each exactly once.</summary>
    private async Task ApplyQueuedCommandsAsync(CancellationToken ct)
    {
        var pending = await fleet.ListPendingRolloutCommandsAsync(ct);
        foreach (var queued in pending)
        {
            await gate.WaitAsync(ct);
            try
            {
                if (Parse(queued.Command, queued.Reason) is not { } command)
                {
                    await CompleteAsync(queued, Outcome(refusal: $"unknown command '{queued.Command}'"), ct);
                    continue;
                }

                var completes = new CommandCompletion(queued.Id, Outcome(refusal: null));
                var outcome = await ApplyAsync(queued.Deployment, command, queued.Actor, completes, ct);
                if (outcome.Refusal is not null || outcome.Rollout is null)
                {
                    // Nothing was saved, so the command is marked done on its own with why it was refused.
                    await CompleteAsync(queued, Outcome(outcome.Refusal ?? $"{queued.Deployment} has no active rollout.", outcome.Rollout is null), ct);
                }
            }
            catch (Exception ex) when (ex is not FencedException && (ex is not OperationCanceledException || !ct.IsCancellationRequested))
            {
                RolloutLog.TickFailed(logger, ex, queued.Deployment);
                await CompleteAsync(queued, Outcome($"the command failed: {ex.Message}"), ct);
            }
            finally
            {
                gate.Release();
            }
        }
    }

    private async Task CompleteAsync(RolloutCommandRecord queued, string outcome, CancellationToken ct)
    {
        await fleet.CompleteRolloutCommandAsync(queued.Id, outcome, leadership.Fence, ct);
    }

    /// <summary>A follower queues the command and waits for the leader's outcome.</summary>
    private async Task<RolloutCommandOutcome> QueueAsync(string deployment, RolloutCommand command, string actor, CancellationToken ct)
    {
        var (name, reason) = Describe(command);
        var id = await fleet.EnqueueRolloutCommandAsync(deployment, name, reason, actor, ct);
        leadership.Poke();
        var deadline = time.GetTimestamp();
        while (time.GetElapsedTime(deadline) < fleetOptions.Value.CommandWait)
        {
            if (await fleet.GetRolloutCommandAsync(id, ct) is { DoneAt: not null, Outcome: { } outcome })
            {
                var parsed = JsonNode.Parse(outcome);
                var active = await store.GetActiveRolloutAsync(deployment, ct) ?? (await store.ListRolloutsAsync(deployment, ct)).FirstOrDefault();
                var refusal = parsed?["refused"]?.GetValue<string>();
                return parsed?["no_rollout"]?.GetValue<bool>() == true
                    ? new RolloutCommandOutcome(null, refusal)
                    : new RolloutCommandOutcome(active, refusal);
            }

            await Task.Delay(QueuePoll, time, ct);
        }

        var waiting = await store.GetActiveRolloutAsync(deployment, ct);
        return new RolloutCommandOutcome(waiting, waiting is null ? $"{deployment} has no active rollout." : null) { Queued = id };
    }

    /// <summary>A follower that started a rollout waits for the leader to run its first step (or up to the command wait).</summary>
    private async Task<RolloutState> WaitForLeaderAsync(RolloutState started, CancellationToken ct)
    {
        leadership.Poke();
        var since = time.GetTimestamp();
        while (time.GetElapsedTime(since) < fleetOptions.Value.CommandWait)
        {
            var now = (await store.ListRolloutsAsync(started.Deployment, ct)).FirstOrDefault(r => r.Id == started.Id);
            if (now is not null && now.Generation > started.Generation)
            {
                return now;
            }

            await Task.Delay(QueuePoll, time, ct);
        }

        return started;
    }

    private static string Outcome(string? refusal, bool noRollout = false)
    {
        var json = new JsonObject { ["applied"] = refusal is null };
        if (refusal is not null)
        {
            json["refused"] = refusal;
        }

        if (noRollout)
        {
            json["no_rollout"] = true;
        }

        return json.ToJsonString();
    }

    private static string? GateProblem(RolloutSpec spec, string? gateDataset)
    {
        if (spec.Gate is not { } gateSpec)
        {
            return gateDataset is null ? null : "A gate dataset was sent but the rollout has no 'gate'.";
        }

        if (string.IsNullOrWhiteSpace(gateDataset))
        {
            return $"The rollout has a gate on {gateSpec.Dataset} but its dataset was not sent (the CLI sends it as 'gate_dataset').";
        }

        var parsed = EvalDataset.Parse(gateDataset);
        return parsed.IsValid ? null : $"The gate dataset {gateSpec.Dataset} is invalid: {string.Join("; ", parsed.Errors.Take(5))}";
    }
}
