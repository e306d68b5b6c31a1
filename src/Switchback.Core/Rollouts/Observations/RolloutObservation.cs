using System.Collections.Immutable;
using Switchback.Core.Analysis;

namespace Switchback.Core.Rollouts;

/// <summary>What the controller measured since the previous tick. Empty dictionaries mean "no data", which is never good data.</summary>
/// <param name="IntervalEnd">The end of the measured interval.</param>
public sealed record RolloutObservation(DateTimeOffset IntervalEnd)
{
    /// <summary>The start of the measured interval; null when nothing was measured (before the rollout routes, or no new whole second).</summary>
    public DateTimeOffset? IntervalStart { get; init; }

    /// <summary>Requests stable served.</summary>
    public long BaselineRequests { get; init; }

    /// <summary>Requests the candidate served to users (weighted or pinned).</summary>
    public long CandidateRequests { get; init; }

    /// <summary>Requests mirrored to the candidate.</summary>
    public long ShadowRequests { get; init; }

    /// <summary>For each <c>compare: baseline</c> rate or count signal: requests and events per arm.</summary>
    public ImmutableDictionary<string, ArmInterval> Comparisons { get; init; } = ImmutableDictionary<string, ArmInterval>.Empty;

    /// <summary>
    /// For each <c>compare: baseline</c> rate or count signal measured by units (keys, during a canary): one interval per group of
    /// units that shared an assignment probability; when present it replaces <see cref="Comparisons"/> for that signal.
    /// </summary>
    public ImmutableDictionary<string, ImmutableArray<ArmInterval>> UnitComparisons { get; init; } = ImmutableDictionary<string, ImmutableArray<ArmInterval>>.Empty;

    /// <summary>For each <c>compare: baseline</c> quantile signal: exceedance counts and the baseline quantile.</summary>
    public ImmutableDictionary<string, QuantileInterval> Quantiles { get; init; } = ImmutableDictionary<string, QuantileInterval>.Empty;

    /// <summary>For each <c>max:</c>/<c>min:</c> signal: the candidate's events and trials.</summary>
    public ImmutableDictionary<string, SignalCount> Absolute { get; init; } = ImmutableDictionary<string, SignalCount>.Empty;

    /// <summary>The gate's result, once the controller has it (phase <see cref="RolloutPhase.Gating"/>).</summary>
    public GateResult? Gate { get; init; }
}
