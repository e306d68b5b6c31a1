using System.Security.Cryptography;
using Switchback.Core.Evals;
using Switchback.Core.Rollouts;
using Switchback.Storage;

namespace Switchback.Control.Rollouts;

/// <summary>Starting a rollout and operator commands: the same persist-then-act path as a tick.</summary>
internal sealed partial class RolloutController
{
    /// <summary>
    /// Starts a rollout of <paramref name="candidate"/> under <paramref name="spec"/> and runs its first step at once. A gated
    /// spec needs <paramref name="gateDataset"/> (the dataset's text, validated here and kept with the state); its gate then
    /// runs in the background and no routing changes until it passes.
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
        try
        {
            var outcome = await store.StartRolloutAsync(state, new AuditContext(actor, $"roll out {spec.Deployment}@{candidate} over {current.StableVersion}"), ct);
            return outcome.Status switch
            {
                RolloutStartStatus.Started => new RolloutStartResult(RolloutStartResultStatus.Started, await FirstStepAsync(state, actor, ct), "started"),
                RolloutStartStatus.ActiveExists => new RolloutStartResult(RolloutStartResultStatus.ActiveExists, outcome.Rollout,
                    $"{spec.Deployment} already has an active rollout ({outcome.Rollout!.Id}, candidate {outcome.Rollout.CandidateVersion}, {outcome.Rollout.Phase}): one at a time; abort it first."),
                RolloutStartStatus.Archived => new RolloutStartResult(RolloutStartResultStatus.Invalid, null, $"{spec.Deployment}@{outcome.Version} is archived; it cannot be rolled out."),
                _ => new RolloutStartResult(RolloutStartResultStatus.NotFound, null, $"{spec.Deployment}@{outcome.Version} does not exist."),
            };
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>After the start is stored: <c>candidate</c> names the rollout's candidate, then the first step runs.</summary>
    private async Task<RolloutState> FirstStepAsync(RolloutState state, string actor, CancellationToken ct)
    {
        await store.SetAliasAsync(
            new Core.Bundles.VersionRef(state.Deployment, state.CandidateVersion), Rollbacks.RollbackService.CandidateAlias, new AuditContext(actor, $"rollout {state.Id} started"), ct);
        return await ReconcileAsync(state, ct);
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

    /// <summary>Applies an operator command to the deployment's active rollout, persists it, then acts.</summary>
    public async Task<RolloutCommandOutcome> CommandAsync(string deployment, RolloutCommand command, string actor, CancellationToken ct)
    {
        await gate.WaitAsync(ct);
        try
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

                if (await PersistAndActAsync(active, result.Decision!, ct, actor) is { } next)
                {
                    return new RolloutCommandOutcome(next, null);
                }
            }

            throw new InvalidOperationException($"the rollout of {deployment} kept changing while the command was applied");
        }
        finally
        {
            gate.Release();
        }
    }
}
