using System.Collections.Immutable;
using Switchback.Core.Analysis;
using Switchback.Core.Rollouts;

namespace Switchback.Core.Monitors;

/// <summary>
/// The pure step of a monitor (docs/statistics.md "monitors"): counts arrive per interval, and each whole batch is judged
/// against the version's own past — an e-value per signal and ratio, e-CUSUM statistics (Shin, Ramdas &amp; Rinaldo 2023),
/// an alarm when their mean reaches <see cref="MonitorSpec.Threshold"/>. No I/O, no clock: the caller supplies the times.
/// </summary>
public static class MonitorDetector
{
    /// <summary>A fresh state for <paramref name="version"/>: its first batch is the first one that begins at or after <paramref name="at"/>.</summary>
    public static MonitorState Start(MonitorSpec spec, int version, DateTimeOffset at)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var start = BatchAtOrAfter(spec, at);
        return new MonitorState(version, start, start, start, ImmutableDictionary<string, SignalCount>.Empty, [],
            ImmutableDictionary<string, ImmutableArray<double>>.Empty, ImmutableDictionary<string, SignalJudgement>.Empty, null, 0, 0);
    }

    /// <summary>The monitor statistic now: the mean of every signal's e-CUSUMs (1 before anything was judged).</summary>
    public static double Statistic(MonitorState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        var logs = state.LogStatistics.Values.SelectMany(v => v.IsDefault ? [] : v).Select(l => Math.Max(l, 0)).ToArray();
        return logs.Length == 0 ? 1 : LogMath.ExpFinite(LogMath.LogSumExp(logs) - Math.Log(logs.Length));
    }

    /// <summary>
    /// Drops the batch under way and starts the next one at the first batch boundary at or after <paramref name="now"/>, keeping
    /// the past and the statistics: for data that cannot be read any more (a process that was down longer than signals are kept).
    /// </summary>
    public static MonitorState SkipTo(MonitorSpec spec, MonitorState state, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(state);
        var start = BatchAtOrAfter(spec, now);
        return state with { Batch = ImmutableDictionary<string, SignalCount>.Empty, BatchStart = start, Through = start };
    }

    /// <summary>The end of the batch under way: data for it is read up to here and no further.</summary>
    public static DateTimeOffset BatchEnd(MonitorSpec spec, MonitorState state) => state.BatchStart + spec!.Batch;

    /// <summary>
    /// Adds the counts of [<see cref="MonitorState.Through"/>, <paramref name="end"/>) to the batch under way; when that completes
    /// the batch, judges it (once the version has been watched for <see cref="MonitorSpec.Learn"/>) and starts the next.
    /// </summary>
    /// <returns>The new state and the alarm the batch raised, if any.</returns>
    public static (MonitorState State, MonitorAlarm? Alarm) Add(MonitorSpec spec, MonitorState state, IReadOnlyDictionary<string, SignalCount> counts, DateTimeOffset end)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(counts);
        var batchEnd = BatchEnd(spec, state);
        if (end <= state.Through || end > batchEnd)
        {
            throw new ArgumentOutOfRangeException(nameof(end), end, $"expected a time after {state.Through:O} and at most the batch end {batchEnd:O}");
        }

        var batch = state.Batch;
        foreach (var signal in spec.Signals)
        {
            if (counts.TryGetValue(signal, out var add))
            {
                var had = batch.GetValueOrDefault(signal) ?? new SignalCount(0, 0);
                batch = batch.SetItem(signal, new SignalCount(had.Events + add.Events, had.Trials + add.Trials));
            }
        }

        state = state with { Batch = batch, Through = end };
        return end < batchEnd ? (state, null) : Close(spec, state);
    }

    private static (MonitorState, MonitorAlarm?) Close(MonitorSpec spec, MonitorState state)
    {
        var start = state.BatchStart;
        var end = start + spec.Batch;
        MonitorAlarm? alarm = null;
        if (start - state.Since >= spec.Learn)
        {
            (state, alarm) = Judge(spec, state);
        }

        if (alarm is not null)
        {
            // The person alerted decides; the detector learns the version's level afresh, so a lasting change alerts once.
            return (new MonitorState(state.Version, end, end, end, ImmutableDictionary<string, SignalCount>.Empty, [],
                ImmutableDictionary<string, ImmutableArray<double>>.Empty, state.Last, alarm, state.Alarms + 1, 0), alarm);
        }

        return (state with { History = Fold(spec, state.History, start, state.Batch), Batch = ImmutableDictionary<string, SignalCount>.Empty, BatchStart = end, Through = end }, null);
    }

    private static (MonitorState, MonitorAlarm?) Judge(MonitorSpec spec, MonitorState state)
    {
        var start = state.BatchStart;
        var statistics = state.LogStatistics;
        var judged = ImmutableDictionary.CreateBuilder<string, SignalJudgement>(StringComparer.Ordinal);
        var all = new List<double>();
        string? strongest = null;
        var strongestLog = double.NegativeInfinity;
        foreach (var signal in spec.Signals)
        {
            var reference = Reference(spec, state.History, start, signal);
            var batch = state.Batch.GetValueOrDefault(signal) ?? new SignalCount(0, 0);
            var bound = RateEvidence.UpperBound(reference.Events, reference.Trials);
            var before = statistics.GetValueOrDefault(signal);
            var logs = ImmutableArray.CreateBuilder<double>(RateEvidence.Ratios.Length);
            var next = ImmutableArray.CreateBuilder<double>(RateEvidence.Ratios.Length);
            for (var i = 0; i < RateEvidence.Ratios.Length; i++)
            {
                // No reference yet: nothing to compare with, the batch's e-value is 1.
                var log = reference.Trials == 0 ? 0 : RateEvidence.LogEValue(batch.Events, batch.Trials, bound, RateEvidence.Ratios[i]);
                logs.Add(log);

                // e-CUSUM: M = max(M, 1) · e, kept as ln M.
                next.Add(Math.Max(before.IsDefault ? 0 : before[i], 0) + log);
            }

            var signalLog = LogMath.LogSumExp(next.ToArray()) - Math.Log(next.Count);
            all.AddRange(next);
            if (signalLog > strongestLog)
            {
                (strongest, strongestLog) = (signal, signalLog);
            }

            statistics = statistics.SetItem(signal, next.MoveToImmutable());
            judged[signal] = new SignalJudgement(reference.Trials, reference.Events, bound, batch.Trials, batch.Events, logs.MoveToImmutable(), LogMath.ExpFinite(signalLog));
        }

        var logStatistic = LogMath.LogSumExp(all.ToArray()) - Math.Log(all.Count);
        var last = judged.ToImmutable();
        state = state with { LogStatistics = statistics, Last = last, BatchesJudged = state.BatchesJudged + 1 };
        var alarm = logStatistic >= Math.Log(spec.Threshold)
            ? new MonitorAlarm(start + spec.Batch, state.Version, LogMath.ExpFinite(logStatistic), spec.Threshold, strongest!, last) { Thresholds = state.Thresholds }
            : null;
        return (state, alarm);
    }

    /// <summary>
    /// What a batch beginning at <paramref name="start"/> is compared with: the hours of the baseline window before it, only
    /// those at the same hour of the day with daily seasonality.
    /// </summary>
    private static SignalCount Reference(MonitorSpec spec, ImmutableArray<HourTally> history, DateTimeOffset start, string signal)
    {
        long events = 0, trials = 0;
        foreach (var tally in history)
        {
            if (tally.Hour + TimeSpan.FromHours(1) <= start - spec.Baseline || tally.Hour > start)
            {
                continue;
            }

            if (spec.Seasonality == MonitorSeasonality.Daily && tally.Hour.Hour != start.UtcDateTime.Hour)
            {
                continue;
            }

            if (tally.Counts.TryGetValue(signal, out var count))
            {
                (events, trials) = (events + count.Events, trials + count.Trials);
            }
        }

        return new SignalCount(events, trials);
    }

    /// <summary>Adds a judged batch to the hour it began in, and forgets hours that left the baseline window.</summary>
    private static ImmutableArray<HourTally> Fold(MonitorSpec spec, ImmutableArray<HourTally> history, DateTimeOffset start, ImmutableDictionary<string, SignalCount> batch)
    {
        var hour = new DateTimeOffset(start.UtcDateTime.Date.AddHours(start.UtcDateTime.Hour), TimeSpan.Zero);
        var kept = history.Where(t => t.Hour + TimeSpan.FromHours(1) > start + spec.Batch - spec.Baseline).ToList();
        if (kept.Count > 0 && kept[^1].Hour == hour)
        {
            var counts = kept[^1].Counts;
            foreach (var (signal, add) in batch)
            {
                var had = counts.GetValueOrDefault(signal) ?? new SignalCount(0, 0);
                counts = counts.SetItem(signal, new SignalCount(had.Events + add.Events, had.Trials + add.Trials));
            }

            kept[^1] = kept[^1] with { Counts = counts };
        }
        else
        {
            kept.Add(new HourTally(hour, batch));
        }

        return [.. kept];
    }

    private static DateTimeOffset BatchAtOrAfter(MonitorSpec spec, DateTimeOffset at)
    {
        var size = spec.Batch.Ticks;
        var ticks = (at - DateTimeOffset.UnixEpoch).Ticks;
        var aligned = (ticks + size - 1) / size * size;
        return DateTimeOffset.UnixEpoch.AddTicks(aligned);
    }
}
