using System.Globalization;
using System.Text;

namespace Switchback.Bench.Detection;

/// <summary>Turns the rows into the <c>## Detection study</c> section and splices it into docs/benchmarks.md.</summary>
internal static class Report
{
    private const string Heading = "## Detection study";

    public static string Section(StudyOptions options, IReadOnlyList<Row> rows, TimeSpan elapsed)
    {
        var c = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        sb.AppendLine(Heading).AppendLine();
        sb.AppendLine("Monte-Carlo study of how fast each rollback method catches a regression and how often it rolls back a good");
        sb.AppendLine("version under continuous monitoring. Reproduce with `bench/detection/run.sh` (same as");
        sb.AppendLine("`dotnet run -c Release --project bench/detection`); seeds are fixed, so the table is the same on every run.").AppendLine();
        sb.AppendLine(string.Create(c, $"- Run: {TimeProvider.System.GetUtcNow():yyyy-MM-dd}, {Environment.ProcessorCount} cores (nproc), {elapsed.TotalSeconds:0} s; {options.AaRuns} runs per A/A row, {options.RegressionRuns} per regression row, each a 30-minute canary at a fixed weight."));
        sb.AppendLine("- World: requests Poisson at the given rate, split at random by the canary weight; stable error rate 1 %; latency log-normal, median 400 ms, σ 0.5.");
        sb.AppendLine("- Scenarios: A/A (candidate identical); errors 1 %→2 % and 1 %→5 %; every latency ×1.2 (median +20 %); latencies above the stable p98 doubled (p99 ×2).");
        sb.AppendLine(string.Create(c, $"- **Switchback**: guardrails `error_rate`, `latency` (stochastic order: exceedances of the baseline median) and `latency_p99`, all `compare: baseline` with max_ratio 1; alpha {StudyOptions.Alpha} split equally (each at {StudyOptions.Alpha / 3:0.0000}); a decision every second; latency thresholds from the baseline's 1 %-accurate histogram, refreshed every 10 s from earlier data (docs/statistics.md)."));
        sb.AppendLine("- **Flagger-style**: every interval (60 s, Flagger's usual, or 10 s) the candidate's error rate over the interval must be ≤ 2 % and its interval p99 ≤ 1.25 × the stable p99 (fixed thresholds a user sets with headroom over stable's known 1 % and p99); failed checks add up and never reset; rollback at 5 (Flagger's `threshold`). An interval where the candidate served nothing is not a check.");
        sb.AppendLine("- **Kayenta-style**: every 60 s, on all data so far, one-sided Mann-Whitney U on latency and a one-sided two-proportion z-test on errors, each at 0.05; rollback when either fails.");
        sb.AppendLine("- Columns: for A/A rows the false-rollback rate; for regressions the share detected within 30 min, the median and p90 time to detect over all runs (a missed run counts as never, so \"> 30 min\" means more than half / a tenth were missed), and missed regressions.").AppendLine();
        sb.AppendLine("| Scenario | Weight | RPS | Method | False rollbacks / detected | Median time to detect | p90 time to detect | Missed |");
        sb.AppendLine("| --- | --- | --- | --- | --- | --- | --- | --- |");
        foreach (var row in rows)
        {
            sb.AppendLine(row.Markdown());
        }

        sb.AppendLine().AppendLine("### Goals").AppendLine();
        foreach (var line in Goals.Assess(rows))
        {
            sb.AppendLine(line);
        }

        return sb.ToString();
    }

    public static void WriteInto(string path, string section) => WriteInto(path, section, Heading);

    /// <summary>Replaces the section under <paramref name="heading"/> in the file (or appends it).</summary>
    public static void WriteInto(string path, string section, string heading)
    {
        var existing = File.Exists(path) ? File.ReadAllText(path) : "# Benchmarks\n";
        var start = existing.IndexOf(heading, StringComparison.Ordinal);
        string updated;
        if (start < 0)
        {
            updated = existing.TrimEnd('\n') + "\n\n" + section;
        }
        else
        {
            var next = existing.IndexOf("\n## ", start + heading.Length, StringComparison.Ordinal);
            updated = existing[..start] + section + (next < 0 ? "" : "\n" + existing[(next + 1)..]);
        }

        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        File.WriteAllText(path, updated.TrimEnd('\n') + "\n");
    }
}
