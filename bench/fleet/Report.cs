using System.Globalization;
using System.Text;

namespace Switchback.Bench.Fleet;

/// <summary>The <c>## Fleet</c> section of docs/benchmarks.md: how it was run, then each measurement with its verdicts.</summary>
internal static class Report
{
    public const string Heading = "## Fleet";

    public static string Section(BenchOptions options, RunFacts facts, RollbackResults? rollbacks, DetectionResults? detection, StoreLoadResults? load)
    {
        var c = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        sb.AppendLine(Heading).AppendLine();
        sb.AppendLine("Three `switchback serve` replicas (Release) on one PostgreSQL (issue 11, item 10): how fast a rollback reaches every");
        sb.AppendLine("replica, whether spreading a canary's traffic over the replicas changes how fast a flaky canary is caught, and what the");
        sb.AppendLine("fleet asks of the store under load. Reproduce with one command from the repository root (starts its own PostgreSQL on a");
        sb.AppendLine("free loopback port with `pg_stat_statements`, builds in Release, downloads nothing, stops what it started):").AppendLine();
        sb.AppendLine("```").AppendLine("bench/fleet/run.sh").AppendLine("```").AppendLine();
        sb.AppendLine(string.Create(c, $"- Run: {facts.StartedAt:yyyy-MM-dd HH:mm} UTC, {facts.Elapsed.TotalMinutes:0.0} min; machine: {facts.Machine}; load average (1/5/15 min) {facts.LoadBefore} at the start, {facts.LoadAfter} at the end."));
        sb.AppendLine(string.Create(c,
            $"- Knobs (environment): BENCH_ROLLBACKS={options.Rollbacks}, BENCH_ROLLBACK_RATE={options.RollbackRate}, BENCH_TRIALS={options.Trials}, BENCH_RATE={options.Rate}, "
            + $"BENCH_LOAD_RATE={options.LoadRate}, BENCH_LOAD_SECONDS={options.LoadSeconds}, BENCH_ONLY={(options.Phases.Count == 3 ? "(all)" : string.Join(',', options.Phases))}; BENCH_DOC=- prints instead of writing."));
        sb.AppendLine("- Setup: PostgreSQL from the system packages, `initdb` into a temporary directory, `fsync=off`, `shared_preload_libraries=pg_stat_statements`;");
        sb.AppendLine("  a fresh database; replica 1 started first (it migrates the store), replicas 2 and 3 together; `switchback upstream-sim`");
        sb.AppendLine("  for svc@1 (healthy, seed 1), svc@2 (healthy, seed 2) and svc@3 (flaky, `--error-rate 0.2`, seed 3), all at the profiles'");
        sb.AppendLine("  latency (median 20 ms, p99 60 ms); fleet settings at their defaults (report every 1 s, lease 3 s). Load: an open-loop");
        sb.AppendLine("  fixed-rate generator in the bench (HttpClient, at most 256 requests in flight), each request a new sticky key.").AppendLine();

        if (rollbacks is not null)
        {
            RollbackReport.Render(sb, options, rollbacks);
        }

        if (detection is not null)
        {
            DetectionReport.Render(sb, options, detection);
        }

        if (load is not null)
        {
            StoreLoadReport.Render(sb, options, load);
        }

        var skipped = BenchOptions.AllPhases.Split(',').Where(p => !options.Runs(p)).ToList();
        if (skipped.Count > 0)
        {
            sb.AppendLine($"Not run this time (BENCH_ONLY): {string.Join(", ", skipped)}.").AppendLine();
        }

        return sb.ToString().TrimEnd('\n') + "\n";
    }

    /// <summary>Replaces the section in <paramref name="path"/>, or appends it after the existing sections.</summary>
    public static void WriteInto(string path, string section)
    {
        var existing = File.Exists(path) ? File.ReadAllText(path) : "# Benchmarks\n";
        var start = existing.StartsWith(Heading + "\n", StringComparison.Ordinal)
            ? 0
            : existing.IndexOf("\n" + Heading + "\n", StringComparison.Ordinal) is var at and >= 0 ? at + 1 : -1;
        string updated;
        if (start < 0)
        {
            updated = existing.TrimEnd('\n') + "\n\n" + section;
        }
        else
        {
            // The section runs to the next level-2 heading; its own ### headings belong to it.
            var next = existing.IndexOf("\n## ", start + Heading.Length, StringComparison.Ordinal);
            updated = existing[..start] + section + (next < 0 ? "" : "\n" + existing[(next + 1)..]);
        }

        File.WriteAllText(path, updated.TrimEnd('\n') + "\n");
    }
}
