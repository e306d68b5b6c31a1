using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Switchback.Bench.Fleet;

/// <summary>The "Store load" part of the section.</summary>
internal static partial class StoreLoadReport
{
    private const int Replicas = 3;
    private const int TopStatements = 12;

    public static void Render(StringBuilder sb, BenchOptions options, StoreLoadResults r)
    {
        var c = CultureInfo.InvariantCulture;
        var seconds = r.Window.TotalSeconds;
        var traffic = r.Traffic;
        var calls = r.Statements.Sum(s => s.Calls);
        sb.AppendLine(string.Create(c, $"### Store load at {options.LoadRate:N0} req/s")).AppendLine();
        sb.AppendLine(string.Create(c, $"{options.LoadRate} req/s round-robin over the three replicas during an active canary of svc@2 (healthy) over svc@1 at 50 %"));
        sb.AppendLine("(step of 2h, the same two guardrails, so the leader reads and judges every replica's windows each second), after a 5 s");
        sb.AppendLine(string.Create(c, $"warm-up; measured over {seconds:0.0} s: `pg_stat_statements` reset at the start and read at the end (the replicas' role only;"));
        sb.AppendLine("the bench reads through another role), `pg_stat_database.xact_commit` and `xact_rollback` before, every second and");
        sb.AppendLine(string.Create(c, $"after (the bench's own {r.MonitorTransactions} transactions taken out), `signal_windows` rows for the {r.WindowSeconds} whole seconds inside the"));
        sb.AppendLine("window, and each replica's signal lag");
        sb.AppendLine("(now minus the last second it shipped, as `GET /replicas` computes it) sampled every second.").AppendLine();
        sb.AppendLine(string.Create(c,
            $"- Traffic: **{r.WindowRate:0} req/s answered within the window** (target {options.LoadRate}; over the whole run, warm-up included: {traffic.AchievedRate:0} req/s, {traffic.Completed} answers, {traffic.Failed} failed, {traffic.NotSent} not sent at the 256-in-flight bound); "
            + $"client latency p50 {Stats.Percentile(traffic.LatenciesMs, 0.5):0.0} ms, p99 {Stats.Percentile(traffic.LatenciesMs, 0.99):0.0} ms; served by v2: {Share(traffic.ServedBy(2), traffic.Completed)}."));
        sb.AppendLine($"- The canary was still `{r.CanaryPhase}` at the end of the window (then aborted).").AppendLine();

        sb.AppendLine("| per replica, per second | mean | fleet total |");
        sb.AppendLine("|---|---:|---:|");
        Total(sb, "statements (`pg_stat_statements` calls, every kind)", calls / seconds);
        Total(sb, "committed transactions (`xact_commit` delta over the window; a statement outside BEGIN … COMMIT counts as one)", r.ReplicaCommits / seconds);
        Total(sb, "committed transactions, median of the per-second increases (the steady rate)", Stats.Median(r.CommitSteps));
        Total(sb, "rolled-back transactions (`xact_rollback`)", r.ReplicaRollbacks / seconds);
        Total(sb, "explicit transactions ending in COMMIT (writes; `pg_stat_statements`)", Calls(r, "COMMIT") / seconds);
        Total(sb, "explicit transactions ending in ROLLBACK (the store's read sessions end so)", Calls(r, "ROLLBACK") / seconds);
        Total(sb, "`DISCARD ALL` (Npgsql resets each pooled connection it hands out again; one implicit transaction each)", Calls(r, "DISCARD ALL") / seconds);
        var rows = r.SignalWindows.Sum(w => w.Rows);
        var bytes = r.SignalWindows.Sum(w => w.PayloadBytes);
        var windowSeconds = Math.Max(1, r.WindowSeconds);
        Total(sb, "rows written to `signal_windows`", (double)rows / windowSeconds);
        Total(sb, "payload bytes written to `signal_windows` (`sum(length(payload))`)", (double)bytes / windowSeconds);
        Total(sb, "rows written to `rollout_units` (one per sticky key and rollout; every request here has a key of its own)", (double)r.UnitRows / windowSeconds);
        sb.AppendLine();
        var steps = r.CommitSteps.Order().ToList();
        sb.AppendLine(string.Create(c, $"`xact_commit` counts every transaction in the database, autovacuum's too ({r.AutovacuumRuns} autovacuum/autoanalyze runs in the window),"));
        sb.AppendLine("and backends report their counts late (a busy one about every second, an idle one within about 10 s, one that keeps");
        sb.AppendLine(string.Create(c, $"missing the lock up to a minute), so the plain delta can take in counts from before the window: fleet-wide per-second"));
        sb.AppendLine(string.Create(c, $"increases here were median {Stats.Median(steps):0}, 90th percentile {Stats.Percentile(steps, 0.9):0}, max {(steps.Count > 0 ? steps[^1] : 0):0}. The replicas' own"));
        sb.AppendLine("transactions are the COMMIT, ROLLBACK and `DISCARD ALL` rows (`pg_stat_statements`, exact).").AppendLine();

        sb.AppendLine("| replica | role | rows/s | payload bytes/s | bytes/row | signal lag, s: median / max | report transaction ms: median / max | dropped seconds / report failures |");
        sb.AppendLine("|---:|---|---:|---:|---:|---|---|---:|");
        for (var i = 1; i <= Replicas; i++)
        {
            var w = r.SignalWindows.FirstOrDefault(x => x.Replica == i);
            var lag = r.Lag.Where(l => l.Replica == i).Select(l => (double)l.LagSeconds).ToList();
            var report = r.Lag.Where(l => l.Replica == i).Select(l => l.Stats["last_report_ms"]?.GetValue<double>()).OfType<double>().ToList();
            var dropped = Last(r, i, "dropped_seconds");
            var failures = Last(r, i, "report_failures");
            sb.AppendLine(string.Create(c,
                $"| {i} | {(i == r.Leader ? "leader" : "follower")} | {(double)w.Rows / windowSeconds:0.0} | {(double)w.PayloadBytes / windowSeconds:0} | {(w.Rows > 0 ? w.PayloadBytes / w.Rows : 0)} | "
                + $"{Pair(lag, "0")} | {Pair(report, "0.0")} | {dropped} / {failures} |"));
        }

        sb.AppendLine().AppendLine(string.Create(c, $"Top statements by calls ({r.Statements.Count} distinct; whitespace collapsed, cut at 110 characters):")).AppendLine();
        sb.AppendLine("| statement | calls/s per replica | share of calls | mean ms |");
        sb.AppendLine("|---|---:|---:|---:|");
        foreach (var s in r.Statements.Take(TopStatements))
        {
            sb.AppendLine(string.Create(c,
                $"| `{Shorten(s.Query)}` | {s.Calls / seconds / Replicas:0.00} | {Share(s.Calls, calls)} | {(s.Calls > 0 ? s.TotalMs / s.Calls : 0):0.000} |"));
        }

        sb.AppendLine();
    }

    /// <summary>A counter from the replica's last sampled stats (they count since it started).</summary>
    private static long Last(StoreLoadResults r, int replica, string counter)
        => r.Lag.LastOrDefault(l => l.Replica == replica).Stats?[counter]?.GetValue<long>() ?? 0;

    private static long Calls(StoreLoadResults r, string statement)
        => r.Statements.Where(s => s.Query.Trim().Equals(statement, StringComparison.OrdinalIgnoreCase)).Sum(s => s.Calls);

    private static void Total(StringBuilder sb, string name, double fleetPerSecond)
        => sb.AppendLine(string.Create(CultureInfo.InvariantCulture, $"| {name} | {fleetPerSecond / Replicas:0.0} | {fleetPerSecond:0.0} |"));

    private static string Pair(IReadOnlyList<double> values, string format)
        => values.Count == 0 ? "—" : $"{Stats.Median(values).ToString(format, CultureInfo.InvariantCulture)} / {values.Max().ToString(format, CultureInfo.InvariantCulture)}";

    private static string Share(long part, long whole)
        => whole > 0 ? string.Create(CultureInfo.InvariantCulture, $"{100.0 * part / whole:0.0} %") : "—";

    private static string Shorten(string query)
    {
        var flat = Whitespace().Replace(query, " ").Trim().Replace("|", "\\|", StringComparison.Ordinal).Replace("`", "'", StringComparison.Ordinal);
        return flat.Length <= 110 ? flat : flat[..109] + "…";
    }

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();
}
