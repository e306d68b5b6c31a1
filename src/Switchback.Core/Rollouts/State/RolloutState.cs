using System.Collections.Immutable;

namespace Switchback.Core.Rollouts;

/// <summary>
/// The persisted state of one rollout. Immutable: <see cref="RolloutDecider"/> returns a new state with a higher
/// <see cref="Generation"/> for every change; the controller persists it before acting. Serialise with <see cref="RolloutJson"/>.
/// </summary>
/// <param name="Id">The rollout's id.</param>
/// <param name="Deployment">The deployment.</param>
/// <param name="StableVersion">The version serving users when the rollout started (the baseline).</param>
/// <param name="CandidateVersion">The version rolled out.</param>
/// <param name="Spec">The validated plan.</param>
/// <param name="Phase">Where the rollout is.</param>
/// <param name="Reason">Why (for paused and final phases).</param>
/// <param name="ReasonText">The why in words, with the numbers.</param>
/// <param name="StepIndex">The current step of <see cref="RolloutSpec.Steps"/> (equal to its length once finished).</param>
/// <param name="StepStartedAt">When the current step (or its resumption) started; null before the first step.</param>
/// <param name="Step">Requests per arm since the step started.</param>
/// <param name="Guardrails">Per guardrail key (<see cref="GuardrailSpec.Key"/>), its running state.</param>
/// <param name="History">Every decision, oldest first.</param>
/// <param name="CreatedAt">When the rollout was created.</param>
/// <param name="UpdatedAt">When it last changed.</param>
/// <param name="Generation">Bumped on every change (from 0).</param>
public sealed record RolloutState(
    string Id,
    string Deployment,
    int StableVersion,
    int CandidateVersion,
    RolloutSpec Spec,
    RolloutPhase Phase,
    PhaseReason Reason,
    string ReasonText,
    int StepIndex,
    DateTimeOffset? StepStartedAt,
    StepCounters Step,
    ImmutableSortedDictionary<string, GuardrailState> Guardrails,
    ImmutableList<DecisionRecord> History,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    long Generation)
{
    /// <summary>
    /// The gate's dataset text (JSONL), sent by the CLI with the manifest; kept with the state so a gate interrupted by a
    /// restart runs again. Null without a gate.
    /// </summary>
    public string? GateDataset { get; init; }

    /// <summary>
    /// The end of the last interval counted into this state (whole seconds); null before the first. Persisted with the counts,
    /// so a controller that takes over (restart, new leader) goes on from exactly there: no second is counted twice or skipped.
    /// </summary>
    public DateTimeOffset? ObservedUntil { get; init; }

    /// <summary>Whether the rollout is over: promoted, rolled back, aborted or completed.</summary>
    public bool IsFinished => Phase is RolloutPhase.Promoted or RolloutPhase.RolledBack or RolloutPhase.Aborted or RolloutPhase.Completed;

    /// <summary>The current step, or null before the first and after the last.</summary>
    public RolloutStep? CurrentStep => StepStartedAt is not null && StepIndex < Spec.Steps.Length ? Spec.Steps[StepIndex] : null;

    /// <summary>A new rollout of <paramref name="candidate"/> over <paramref name="stable"/>, in <see cref="RolloutPhase.Pending"/>.</summary>
    public static RolloutState Create(string id, RolloutSpec spec, int stable, int candidate, DateTimeOffset now)
    {
        ArgumentException.ThrowIfNullOrEmpty(id);
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentOutOfRangeException.ThrowIfLessThan(stable, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(candidate, 1);
        if (candidate == stable)
        {
            throw new ArgumentException($"candidate version {candidate} is the stable version: nothing to roll out", nameof(candidate));
        }

        if (spec.Candidate is { } planned && planned != candidate)
        {
            throw new ArgumentException($"the manifest names candidate {planned}, not {candidate}", nameof(candidate));
        }

        var guardrails = spec.Guardrails.ToImmutableSortedDictionary(
            g => g.Key, _ => new GuardrailState(null, null, 0, 0, 0, false, null), StringComparer.Ordinal);
        return new RolloutState(id, spec.Deployment, stable, candidate, spec, RolloutPhase.Pending, PhaseReason.None, "created", 0, null,
            StepCounters.Zero, guardrails, [], now, now, 0);
    }

    /// <summary>For a quantile guardrail on <paramref name="signal"/>: the threshold T to count exceedances against next; null at first.</summary>
    public double? QuantileThreshold(string signal)
        => Guardrails.TryGetValue(signal + ":compare", out var g) ? g.Threshold : null;
}
