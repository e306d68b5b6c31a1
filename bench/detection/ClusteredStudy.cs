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

    private static readonly double[] Weights = [1, 5, 25];

    public static async Task<IReadOnlyList<ClusteredRow>> RunAsync(StudyOptions options)
    {
        var rows = new List<ClusteredRow>();
        foreach (var weight in Weights)
        {
            var world = new WorldOptions { Minutes = 20, WeightPercent = weight };
            rows.Add(await RowAsync($"A/A at {weight} %", "by unit", world, options.AaRuns, seed: 1));
            rows.Add(await RowAsync($"A/A at {weight} %", "by request (before)", world with { Keyed = false }, Math.Min(options.AaRuns, 200), seed: 1));
        }

        var regression = new WorldOptions { Minutes = 10, WeightPercent = 25, CandidateErrorBoost = 0.05 };
        rows.Add(await RowAsync("errors +5 points at 25 %", "by unit", regression, options.RegressionRuns, seed: 50_000));
        rows.Add(await RowAsync("errors +5 points at 25 %", "by request (before)", regression with { Keyed = false }, options.RegressionRuns, seed: 50_000));
        var slow = new WorldOptions { Minutes = 10, WeightPercent = 25, CandidateLatencyFactor = 1.6 };
        rows.Add(await RowAsync("latency × 1.6 at 25 %", "by unit", slow, options.RegressionRuns, seed: 60_000));
        rows.Add(await RowAsync("latency × 1.6 at 25 %", "by request (before)", slow with { Keyed = false }, options.RegressionRuns, seed: 60_000));
        return rows;
    }

    public static string Section(StudyOptions options, IReadOnlyList<ClusteredRow> rows, TimeSpan took)
    {
        var c = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        sb.AppendLine(Heading).AppendLine();
        sb.AppendLine("Sticky users with heavy-tailed activity, clients that fail whatever the version, retries and replica stalls, each");
        sb.AppendLine("rollout run through the production unit tracker, signal rings, rollout observer and decider on a fake clock");
        sb.AppendLine("(`ClusteredWorld`, shared with `ClusteredTrafficTests`). Reproduce with:").AppendLine();
        sb.AppendLine("```").AppendLine("bench/detection/run.sh --clustered").AppendLine("```").AppendLine();
        sb.AppendLine(string.Create(c, $"- Run: {TimeProvider.System.GetUtcNow():yyyy-MM-dd HH:mm} UTC, {took.TotalMinutes:0.0} min on {Environment.ProcessorCount} cores; alpha {StudyOptions.Alpha}, guardrails `error_rate` and `latency_p95` (`max_ratio: 1.25`), both hard."));
        sb.AppendLine("- World: 5,000 users, log-normal activity (σ 1.5), 50 req/s; 1 % of requests fail at random, 3 % of clients fail 20 % of theirs");
        sb.AppendLine("  whatever the version; a failed request is retried with the same key with probability 0.5, at most twice; 12 stalls an");
        sb.AppendLine("  hour of 5–30 s in which every request is 1.6× slower on both arms; sticky routing by user, salted by the rollout.");
        sb.AppendLine("- A/A rows run 20 minutes at the weight shown; regression rows 10 minutes at 25 %. **By unit** is Switchback now (each key's");
        sb.AppendLine("  first requests one unit, docs/statistics.md §1b); **by request** is the same worlds analysed as before units.");
        sb.AppendLine("- Intervals are exact (Clopper–Pearson) 95 %. Goal (issue 12): every A/A row by unit has its upper bound at most alpha.").AppendLine();
        sb.AppendLine("| traffic | analysis | runs | rolled back | rate | 95 % interval | median seconds to rollback |");
        sb.AppendLine("|---|---|---:|---:|---:|---|---:|");
        foreach (var r in rows)
        {
            var (lo, hi) = ClopperPearson.Interval(r.RolledBack, r.Runs);
            sb.AppendLine(string.Create(c, $"| {r.Traffic} | {r.Analysis} | {r.Runs} | {r.RolledBack} | {100.0 * r.RolledBack / r.Runs:0.0} % | {100 * lo:0.00} – {100 * hi:0.00} % | {(r.Seconds.Count == 0 ? "—" : Median(r.Seconds).ToString("0", c))} |"));
        }

        sb.AppendLine();
        var aa = rows.Where(r => r.Analysis == "by unit" && r.Traffic.StartsWith("A/A", StringComparison.Ordinal)).ToList();
        var met = aa.All(r => ClopperPearson.Interval(r.RolledBack, r.Runs).Upper <= StudyOptions.Alpha);
        sb.AppendLine(string.Create(c, $"Goal: every A/A row by unit with an upper 95 % bound at most {StudyOptions.Alpha} — **{(met ? "met" : "missed")}** ({string.Join(", ", aa.Select(r => $"{r.Traffic}: {100 * ClopperPearson.Interval(r.RolledBack, r.Runs).Upper:0.00} %"))})."));
        sb.AppendLine("Not in this section yet: step weight changes and daily drift in the base rate, and the Kayenta (NetflixACAJudge) and");
        sb.AppendLine("Flagger baselines on this traffic; the independent-requests study above has the latter two.");
        return sb.ToString();
    }

    private static async Task<ClusteredRow> RowAsync(string traffic, string analysis, WorldOptions world, int runs, int seed)
    {
        var outcomes = new ConcurrentBag<(bool Back, int Seconds)>();
        var simulation = new ClusteredWorld(world);
        await Parallel.ForAsync(0, runs, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, async (run, _) =>
            outcomes.Add(await simulation.RunAsync(seed + run)));
        var back = outcomes.Where(o => o.Back).Select(o => (double)o.Seconds).ToList();
        Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"[clustered] {traffic}, {analysis}: {back.Count}/{runs} rolled back"));
        return new ClusteredRow(traffic, analysis, runs, back.Count, back);
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
    }

}

/// <summary>One row: the traffic, how it was analysed, runs, rollbacks and the seconds each rollback took.</summary>
internal sealed record ClusteredRow(string Traffic, string Analysis, int Runs, int RolledBack, List<double> Seconds);
