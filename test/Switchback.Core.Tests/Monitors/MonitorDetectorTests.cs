using Microsoft.Extensions.Time.Testing;
using Switchback.Core.Manifests;
using Switchback.Core.Monitors;
using Switchback.Core.Rollouts;
using Switchback.Core.Tests.Analysis;

namespace Switchback.Core.Tests.Monitors;

/// <summary>The monitor detector by seeded simulation on a fake clock: false-alarm run length against the stated one, and detection delay.</summary>
public sealed class MonitorDetectorTests
{
    /// <summary>Batches of 1m, 1h of learning, A = 200 batches: small enough to see run lengths, the same code as 30d.</summary>
    private static readonly MonitorSpec Spec = Read("false_alarm_every: 3h20m\nbatch: 1m\nlearn: 1h\nbaseline: 1d\nseasonality: none\n");

    [Fact]
    public void Stationary_MeanRunLengthToFalseAlarm_AtLeastTheStatedOne()
    {
        const int Runs = 40;
        var cap = (int)(5 * Spec.Threshold);
        var lengths = new List<double>();
        for (var seed = 0; seed < Runs; seed++)
        {
            var run = new Run(Spec, seed);
            lengths.Add(run.UntilAlarm(_ => 0.02, cap) ?? cap);
        }

        // The truncated mean can only understate the mean run length; its 95 % lower bound must still reach A.
        var mean = lengths.Average();
        var sd = Math.Sqrt(lengths.Sum(l => (l - mean) * (l - mean)) / (Runs - 1));
        var lower = mean - (1.96 * sd / Math.Sqrt(Runs));
        Assert.True(lower >= Spec.Threshold, $"mean run length {mean:F0} batches (95 % lower bound {lower:F0}) < A = {Spec.Threshold}");
    }

    [Fact]
    public void StepChangeTripled_DetectedWithinFewBatches_AndEvidenceNamesTheSignal()
    {
        var delays = new List<int>();
        for (var seed = 0; seed < 20; seed++)
        {
            var run = new Run(Spec, 1000 + seed);
            var change = 100;
            var alarmAt = run.UntilAlarm(batch => batch < change ? 0.02 : 0.06, 400);
            Assert.NotNull(alarmAt);
            Assert.True(alarmAt > change, $"seed {seed}: alarm at {alarmAt}, before the change at {change}");
            delays.Add(alarmAt!.Value - change);
            Assert.Equal("error_rate", run.Alarm!.Signal);
            Assert.True(run.Alarm.Statistic >= Spec.Threshold);
            Assert.True(run.Alarm.Signals["error_rate"].ReferenceTrials > 0);
        }

        Assert.True(delays.Average() <= 10, $"mean delay {delays.Average():F1} batches");
    }

    [Fact]
    public void DailyCycle_SameHourBaselineStaysQuiet_WholeWindowBaselineFalseAlarmsAtThePeak()
    {
        // The error rate is 1 % at night and 4 % in the afternoon: no drift, only the time of day.
        static double Cycle(DateTimeOffset t) => 0.025 - (0.015 * Math.Cos(2 * Math.PI * (t.Hour - 3) / 24.0));
        var daily = Read("false_alarm_every: 30d\nbatch: 5m\nlearn: 1d\nbaseline: 3d\nseasonality: daily\n");
        var flat = daily with { Seasonality = MonitorSeasonality.None };

        var quiet = new Run(daily, 7).UntilAlarmAt(Cycle, batches: 12 * 24 * 4);
        var noisy = new Run(flat, 7).UntilAlarmAt(Cycle, batches: 12 * 24 * 4);

        Assert.Null(quiet);
        Assert.NotNull(noisy);
    }

    [Fact]
    public void NewVersion_StartsLearningAgain_NothingJudgedBeforeLearn()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 3, 1, 0, 0, 30, TimeSpan.Zero));
        var state = MonitorDetector.Start(Spec, 3, time.GetUtcNow());
        Assert.Equal(new DateTimeOffset(2026, 3, 1, 0, 1, 0, TimeSpan.Zero), state.Since);

        for (var i = 0; i < 60; i++)
        {
            var end = MonitorDetector.BatchEnd(Spec, state);
            (state, var alarm) = MonitorDetector.Add(Spec, state, Counts(100, 100), end);
            Assert.Null(alarm);
        }

        Assert.Equal(0, state.BatchesJudged);
        Assert.Empty(state.Last);
        (state, _) = MonitorDetector.Add(Spec, state, Counts(100, 1), MonitorDetector.BatchEnd(Spec, state));
        Assert.Equal(1, state.BatchesJudged);
        Assert.Equal(6_000, state.Last["error_rate"].ReferenceTrials);
    }

    [Fact]
    public void Add_BeyondTheBatchEnd_Refused_AndPartialIntervalsSumIntoOneBatch()
    {
        var state = MonitorDetector.Start(Spec, 1, new DateTimeOffset(2026, 3, 1, 0, 0, 0, TimeSpan.Zero));
        var end = MonitorDetector.BatchEnd(Spec, state);
        Assert.Throws<ArgumentOutOfRangeException>(() => MonitorDetector.Add(Spec, state, Counts(1, 0), end.AddSeconds(1)));

        (state, _) = MonitorDetector.Add(Spec, state, Counts(10, 1), end.AddSeconds(-30));
        Assert.Equal(new SignalCount(1, 10), state.Batch["error_rate"]);
        (state, _) = MonitorDetector.Add(Spec, state, Counts(5, 2), end);
        Assert.Equal(new SignalCount(3, 15), state.History.Single().Counts["error_rate"]);
        Assert.Empty(state.Batch);
        Assert.Equal(end, state.BatchStart);
        state = state with { Thresholds = state.Thresholds.SetItem("latency_p95", 24.5) };
        var again = MonitorState.Deserialize(state.Serialize());
        Assert.Equal(state.Serialize(), again.Serialize());
        Assert.Equal((new SignalCount(3, 15), 24.5), (again.History.Single().Counts["error_rate"], again.Thresholds["latency_p95"]));
    }

    [Fact]
    public void UpperBound_CoversTheTrueRate_AndLogEValueHasMeanAtMostOneAtTheBound()
    {
        var rng = new Random(5);
        var misses = 0;
        for (var i = 0; i < 4000; i++)
        {
            var x = Draw.Binomial(rng, 500, 0.03);
            misses += RateEvidence.UpperBound(x, 500, 0.05) < 0.03 ? 1 : 0;
        }

        Assert.True(misses <= 4000 * 0.05, $"{misses} misses of 4000 at δ = 0.05");
        Assert.Equal(1.0, RateEvidence.UpperBound(0, 0));

        // E[e] = 1 exactly at the bound's rate: Σ over x of Binomial(20, p0) · e(x).
        const double P0 = 0.1;
        var mean = 0.0;
        for (var x = 0; x <= 20; x++)
        {
            mean += Math.Exp(LogChoose(20, x) + (x * Math.Log(P0)) + ((20 - x) * Math.Log(1 - P0)) + RateEvidence.LogEValue(x, 20, P0, 2));
        }

        Assert.Equal(1.0, mean, 9);
    }

    internal static MonitorSpec Read(string body)
        => ((MonitorManifest)ManifestReader.Read($"kind: Monitor\ndeployment: svc\nsignals: [error_rate]\n{body}", "m.yaml").Documents.Single()).Spec;

    private static Dictionary<string, SignalCount> Counts(long trials, long events) => new() { ["error_rate"] = new SignalCount(events, trials) };

    private static double LogChoose(int n, int k)
    {
        var sum = 0.0;
        for (var i = 1; i <= k; i++)
        {
            sum += Math.Log(n - k + i) - Math.Log(i);
        }

        return sum;
    }

    /// <summary>One simulated watch: ~200 requests per batch (Poisson), errors Binomial at the rate the caller gives.</summary>
    private sealed class Run(MonitorSpec spec, int seed)
    {
        private readonly Random rng = new(seed);
        private readonly FakeTimeProvider time = new(new DateTimeOffset(2026, 3, 1, 0, 0, 0, TimeSpan.Zero));

        public MonitorAlarm? Alarm { get; private set; }

        /// <summary>The judged batch (1-based) that alarmed, or null within <paramref name="judged"/> judged batches.</summary>
        public int? UntilAlarm(Func<int, double> rate, int judged)
        {
            var state = MonitorDetector.Start(spec, 1, time.GetUtcNow());
            var learning = (int)(spec.Learn / spec.Batch);
            for (var b = 0; b < learning + judged; b++)
            {
                var n = Draw.Poisson(rng, 200);
                var p = b < learning ? rate(0) : rate(b - learning);
                time.Advance(spec.Batch);
                (state, Alarm) = MonitorDetector.Add(spec, state, Counts(n, Draw.Binomial(rng, n, p)), MonitorDetector.BatchEnd(spec, state));
                if (Alarm is not null)
                {
                    return b - learning + 1;
                }
            }

            return null;
        }

        /// <summary>The batch that alarmed, or null, with the error rate a function of the batch's time of day.</summary>
        public int? UntilAlarmAt(Func<DateTimeOffset, double> rate, int batches)
        {
            var state = MonitorDetector.Start(spec, 1, time.GetUtcNow());
            for (var b = 0; b < batches; b++)
            {
                var n = Draw.Poisson(rng, 200);
                var p = rate(state.BatchStart);
                time.Advance(spec.Batch);
                (state, Alarm) = MonitorDetector.Add(spec, state, Counts(n, Draw.Binomial(rng, n, p)), MonitorDetector.BatchEnd(spec, state));
                if (Alarm is not null)
                {
                    return b;
                }
            }

            return null;
        }
    }
}
