using System.Collections.Immutable;

namespace Switchback.Core.Monitors;

/// <summary>How one signal's latest batch was judged: the evidence shown in status and in an alarm.</summary>
/// <param name="ReferenceTrials">Trials of the reference (the version's own past the batch is compared with).</param>
/// <param name="ReferenceEvents">Events of the reference.</param>
/// <param name="ReferenceBound">The upper confidence bound on the reference rate the batch is tested against.</param>
/// <param name="Trials">Trials of the batch.</param>
/// <param name="Events">Events of the batch.</param>
/// <param name="LogEValues">ln of the batch's e-value, per ratio of <see cref="RateEvidence.Ratios"/>.</param>
/// <param name="Statistic">The signal's detector statistic after the batch: the mean of its e-CUSUMs over the ratios.</param>
public sealed record SignalJudgement(
    long ReferenceTrials,
    long ReferenceEvents,
    double ReferenceBound,
    long Trials,
    long Events,
    ImmutableArray<double> LogEValues,
    double Statistic);
