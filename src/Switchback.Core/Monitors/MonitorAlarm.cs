using System.Collections.Immutable;

namespace Switchback.Core.Monitors;

/// <summary>A monitor's alarm: when, the statistic against its threshold, the signal that weighed most, and every signal's evidence.</summary>
/// <param name="At">The end of the batch that raised it.</param>
/// <param name="Version">The version watched.</param>
/// <param name="Statistic">The monitor statistic (mean of the detector statistics over signals and ratios).</param>
/// <param name="Threshold">The threshold A it reached.</param>
/// <param name="Signal">The signal whose statistic was largest.</param>
/// <param name="Signals">Each signal's judgement of the alarming batch.</param>
public sealed record MonitorAlarm(
    DateTimeOffset At,
    int Version,
    double Statistic,
    double Threshold,
    string Signal,
    ImmutableDictionary<string, SignalJudgement> Signals)
{
    /// <summary>The thresholds of the quantile signals the batch was counted against (see <see cref="MonitorState.Thresholds"/>).</summary>
    public ImmutableDictionary<string, double> Thresholds { get; init; } = ImmutableDictionary<string, double>.Empty;
}
