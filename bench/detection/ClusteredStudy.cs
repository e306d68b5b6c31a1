using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using Switchback.Control.Tests.Statistics;
using Switchback.Core.Tests.Analysis;

namespace Switchback.Bench.Detection;

/// <summary>
/// The study on traffic shaped like production (issue 12, item 7, its clustered rows): sticky heavy-tailed users, clients
/// that fail whatever the version, retries with the same key and replica stalls, each rollout run through the production
/// unit tracker, signal rings, rollout observer and decider (<see cref="ClusteredWorld"/>, the same code the statistics tests
/// run). Each row is analysed by unit (Switchback now) and by request (Switchback before units) on the same worlds; every rate
/// has its exact (Clopper–Pearson) 95 % interval.
/// </summary>
internal static class ClusteredStudy
{
    public const string Heading = "## Detection on clustered traffic";

    private const string SwitchbackByUnit = "Switchback (by unit)";
    private const string SwitchbackByRequest = "Switchback by request (before units)";
    private const string Kayenta = "Kayenta NetflixACAJudge";
    private const string FlaggerAsItBehaves = "Flagger as it behaves";
    private const string FlaggerTuned = "Flagger tuned to alpha";

    private const int CalibrationRuns = 400;
    private const int CalibrationSeed = 700_000;
    private const int KayentaIntervalMinutes = 5;

    private static readonly double[] Weights = [1, 5, 25];

    public static async Task<IReadOnlyList<ClusteredRow>> RunAsync(StudyOptions options)
    {
        SelfCheck();
        var rows = new List<ClusteredRow>();
        var ramp = new WorldOptions { Minutes = 20, Steps = [(1, 5), (5, 5), (25, 10)], DriftAmplitude = 0.5, DriftPeriodMinutes = 80 };
        const string Ramp = "ramp 1→5→25 %, daily drift";
        foreach (var (name, world) in Weights.Select(w => ($"{w} %", new WorldOptions { Minutes = 20, WeightPercent = w })).Append((Ramp, ramp)))
        {
            var flagger = await CalibrateAsync(world);
            rows.AddRange(await RowsAsync($"A/A at {name}", world, options.AaRuns, seed: 1, flagger));
            rows.Add(await ByRequestAsync($"A/A at {name}", world, Math.Min(options.AaRuns, 200), seed: 1));
            if (world == ramp)
            {
                rows.AddRange(await RowsAsync($"latency × 1.25 at {name} (the null's boundary)", world with { CandidateLatencyFactor = 1.25 }, options.AaRuns, seed: 1, flagger));
                foreach (var (traffic, regression) in new[]
                {
                    ($"errors +2 points at {name}", world with { CandidateErrorBoost = 0.02 }),
                    ($"errors +5 points at {name}", world with { CandidateErrorBoost = 0.05 }),
                    ($"latency × 1.6 at {name}", world with { CandidateLatencyFactor = 1.6 }),
                })
                {
                    rows.AddRange(await RowsAsync(traffic, regression, options.RegressionRuns, seed: 50_000, flagger));
                    rows.Add(await ByRequestAsync(traffic, regression, options.RegressionRuns, seed: 50_000));
                }
            }
        }

        return rows;
    }

    public static string Section(StudyOptions options, IReadOnlyList<ClusteredRow> rows, TimeSpan took)
    {
        var c = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        sb.AppendLine(Heading).AppendLine();
        sb.AppendLine("Sticky users with heavy-tailed activity, clients that fail whatever the version, retries, replica stalls, a ramp of");
        sb.AppendLine("step weights and a daily drift, each rollout run through the production unit tracker, signal rings, rollout observer and");
        sb.AppendLine("decider on a fake clock (`ClusteredWorld`, shared with `ClusteredTrafficTests`), and the same traffic judged by Kayenta's");
        sb.AppendLine("and Flagger's methods. Reproduce with:").AppendLine();
        sb.AppendLine("```").AppendLine("bench/detection/run.sh --clustered").AppendLine("```").AppendLine();
        sb.AppendLine(string.Create(c, $"- Run: {TimeProvider.System.GetUtcNow():yyyy-MM-dd HH:mm} UTC, {took.TotalMinutes:0.0} min on {Environment.ProcessorCount} cores; alpha {StudyOptions.Alpha}; Switchback's guardrails `error_rate` and `latency_p95` (`max_ratio: 1.25`), both hard."));
        sb.AppendLine("- World: 5,000 users, log-normal activity (σ 1.5), 50 req/s; 1 % of requests fail at random, 3 % of clients fail 20 % of theirs");
        sb.AppendLine("  whatever the version; a failed request is retried with the same key with probability 0.5, at most twice; 12 stalls an");
        sb.AppendLine("  hour of 5–30 s in which every request is 1.6× slower on both arms (autocorrelated latency); sticky routing by user, salted");
        sb.AppendLine("  by the rollout. Every run lasts 20 minutes.");
        sb.AppendLine("- **Ramp**: steps 1 % for 5 min, 5 % for 5 min, 25 % for the rest, the routing following the decider's own actions; **daily");
        sb.AppendLine("  drift**: the base failure rates and the traffic follow a daily curve compressed to 80 minutes, so they rise by half over");
        sb.AppendLine("  the run. Fixed-weight rows have neither.");
        sb.AppendLine("- **Switchback (by unit)** is Switchback now (docs/statistics.md §1b: a key's first requests at a weight are one unit while");
        sb.AppendLine("  its arm is unknown); **by request (before units)** is the same worlds analysed as every request independent — the power");
        sb.AppendLine("  and validity before issue 12's items 1–6.");
        sb.AppendLine("- **Kayenta NetflixACAJudge**: as it ships — per-minute series of error rate and p95 per arm, judged every 5 minutes on all");
        sb.AppendLine("  minutes so far by the Mann–Whitney classifier (tolerance 0.25, confidence 0.98, two-sided, mean-ratio effect size 1.0),");
        sb.AppendLine("  NaN points replaced by 0; the canary fails at the first judgement scoring below the marginal 75 (either metric High or Low).");
        sb.AppendLine("- **Flagger as it behaves**: every minute the canary's error rate must be ≤ stable's + 1 point and its p99 ≤ 1.25 × stable's");
        sb.AppendLine("  typical p99 (thresholds a user sets with headroom, measured on 400 calibration runs); a minute with no canary traffic is a");
        sb.AppendLine("  failed check; rollback at 5 failed checks (Flagger's `threshold`). **Flagger tuned to alpha**: the same checks with both");
        sb.AppendLine("  thresholds raised to the lowest quantile of the canary's per-minute values at which at most alpha of the calibration A/A");
        sb.AppendLine("  runs roll back — tuned with hindsight on this very traffic, so power is compared at an equal false-rollback rate.");
        sb.AppendLine("- **latency × 1.25** is the boundary of Switchback's null for `latency_p95` with `max_ratio: 1.25`: a rollback there is a false");
        sb.AppendLine("  one for Switchback (the other methods have no such contract and are shown for what they do).");
        sb.AppendLine("- Intervals are exact (Clopper–Pearson) 95 %. Goal (issue 12): every A/A row of Switchback by unit has its upper bound at most alpha.").AppendLine();
        sb.AppendLine("| traffic | method | runs | rolled back | rate | 95 % interval | median seconds to rollback |");
        sb.AppendLine("|---|---|---:|---:|---:|---|---:|");
        foreach (var r in rows)
        {
            var (lo, hi) = ClopperPearson.Interval(r.RolledBack, r.Runs);
            sb.AppendLine(string.Create(c, $"| {r.Traffic} | {r.Analysis} | {r.Runs} | {r.RolledBack} | {100.0 * r.RolledBack / r.Runs:0.0} % | {100 * lo:0.00} – {100 * hi:0.00} % | {(r.Seconds.Count == 0 ? "—" : Median(r.Seconds).ToString("0", c))} |"));
        }

        sb.AppendLine();
        var nulls = rows.Where(r => r.Analysis == SwitchbackByUnit && (r.Traffic.StartsWith("A/A", StringComparison.Ordinal) || r.Traffic.Contains("boundary", StringComparison.Ordinal))).ToList();
        var met = nulls.All(r => ClopperPearson.Interval(r.RolledBack, r.Runs).Upper <= StudyOptions.Alpha);
        sb.AppendLine(string.Create(c, $"Goal: every A/A and boundary row of Switchback by unit with an upper 95 % bound at most {StudyOptions.Alpha} — **{(met ? "met" : "missed")}** ({string.Join(", ", nulls.Select(r => $"{r.Traffic}: {100 * ClopperPearson.Interval(r.RolledBack, r.Runs).Upper:0.00} %"))})."));
        return sb.ToString();
    }

    /// <summary>Switchback by unit and the baselines, each judging the same recorded runs.</summary>
    private static async Task<IReadOnlyList<ClusteredRow>> RowsAsync(string traffic, WorldOptions world, int runs, int seed, (FlaggerChecks AsUsersSetThem, FlaggerChecks Tuned) flagger)
    {
        var outcomes = new ConcurrentBag<(int? Switchback, int? Kayenta, int? Flagger, int? Tuned)>();
        var simulation = new ClusteredWorld(world);
        await Parallel.ForAsync(0, runs, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, async (run, _) =>
        {
            var record = new TrafficRecord();
            var (back, seconds) = await simulation.RunAsync(seed + run, record);
            outcomes.Add((
                back ? seconds : null,
                NetflixAcaJudge.FirstFailure(record.Minutes, KayentaIntervalMinutes, new Random(seed + run)) * 60,
                flagger.AsUsersSetThem.FirstFailure(record.Minutes) * 60,
                flagger.Tuned.FirstFailure(record.Minutes) * 60));
        });

        var list = outcomes.ToList();
        var rows = new[]
        {
            Row(traffic, SwitchbackByUnit, runs, list.Select(o => o.Switchback)),
            Row(traffic, Kayenta, runs, list.Select(o => o.Kayenta)),
            Row(traffic, FlaggerAsItBehaves, runs, list.Select(o => o.Flagger)),
            Row(traffic, FlaggerTuned, runs, list.Select(o => o.Tuned)),
        };
        foreach (var r in rows)
        {
            Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"[clustered] {r.Traffic}, {r.Analysis}: {r.RolledBack}/{r.Runs} rolled back"));
        }

        return rows;
    }

    /// <summary>The same worlds analysed as Switchback did before units: every request independent.</summary>
    private static async Task<ClusteredRow> ByRequestAsync(string traffic, WorldOptions world, int runs, int seed)
    {
        var outcomes = new ConcurrentBag<int?>();
        var simulation = new ClusteredWorld(world with { Keyed = false });
        await Parallel.ForAsync(0, runs, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, async (run, _) =>
        {
            var (back, seconds) = await simulation.RunAsync(seed + run);
            outcomes.Add(back ? seconds : null);
        });

        var row = Row(traffic, SwitchbackByRequest, runs, outcomes);
        Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"[clustered] {traffic}, {row.Analysis}: {row.RolledBack}/{runs} rolled back"));
        return row;
    }

    /// <summary>A/A calibration runs (seeds apart from the study's): Flagger's thresholds as users set them, and tuned to alpha.</summary>
    private static async Task<(FlaggerChecks, FlaggerChecks)> CalibrateAsync(WorldOptions world)
    {
        var records = new ConcurrentBag<List<MinuteOfTraffic>>();
        var simulation = new ClusteredWorld(world);
        await Parallel.ForAsync(0, CalibrationRuns, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, async (run, _) =>
        {
            var record = new TrafficRecord();
            await simulation.RunAsync(CalibrationSeed + run, record);
            records.Add(record.Minutes);
        });

        var calibration = records.ToList();
        var asUsersSetThem = FlaggerChecks.AsUsersSetThem(calibration);
        var tuned = FlaggerChecks.TunedTo(StudyOptions.Alpha, calibration);
        Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"[clustered] Flagger thresholds: as users set them {asUsersSetThem}, tuned {tuned}"));
        return (asUsersSetThem, tuned);
    }

    private static ClusteredRow Row(string traffic, string analysis, int runs, IEnumerable<int?> rollbacks)
    {
        var seconds = rollbacks.Where(s => s is not null).Select(s => (double)s!.Value).ToList();
        return new ClusteredRow(traffic, analysis, runs, seconds.Count, seconds);
    }

    /// <summary>The Mann–Whitney interval against the case Kayenta's own test suite pins (x = 10..40, y = 1..4, 95 %: [6, 39], 22.5).</summary>
    private static void SelfCheck()
    {
        var mw = NetflixAcaJudge.ShiftInterval([10, 20, 30, 40], [1, 2, 3, 4], 0.95)!.Value;
        if (Math.Abs(mw.Lower - 6) > 1e-3 || Math.Abs(mw.Upper - 39) > 1e-3 || Math.Abs(mw.Estimate - 22.5) > 1e-3)
        {
            throw new InvalidOperationException($"Mann–Whitney interval [{mw.Lower}, {mw.Upper}], estimate {mw.Estimate}: expected [6, 39], 22.5");
        }
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
    }

}

/// <summary>One row: the traffic, the method (how it was analysed), runs, rollbacks and the seconds each rollback took.</summary>
internal sealed record ClusteredRow(string Traffic, string Analysis, int Runs, int RolledBack, List<double> Seconds);
