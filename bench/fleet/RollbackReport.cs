using System.Globalization;
using System.Text;

namespace Switchback.Bench.Fleet;

/// <summary>The "Rollback propagation" part of the section.</summary>
internal static class RollbackReport
{
    private const double Goal = 250;
    private const double Aim = 50;

    public static void Render(StringBuilder sb, BenchOptions options, RollbackResults results)
    {
        var c = CultureInfo.InvariantCulture;
        var samples = results.Samples;
        var n = samples.Count;
        var traffic = results.Traffic;
        var leader = results.Leader;
        sb.AppendLine("### Rollback propagation").AppendLine();
        sb.AppendLine(string.Create(c, $"{n} forced rollbacks (`POST /api/v1/deployments/svc/rollback {{\"to\":V,\"force\":true}}`) alternating svc@2 and svc@1,"));
        sb.AppendLine(string.Create(c, $"sent to replicas 1, 2, 3 in turn (replica {leader} leads), 500 ms apart after each one's checks, while {options.RollbackRate} req/s"));
        sb.AppendLine(string.Create(c, $"ran round-robin over the three replicas (achieved {traffic.AchievedRate:0} req/s, {traffic.Failed} failed of {traffic.Completed}, {traffic.NotSent} not sent)."));
        sb.AppendLine("Two independent measures of \"every replica applies the new routing\": the API's own (`replicas.milliseconds`: from the");
        sb.AppendLine("switch on the replica that took the call until the store shows every live replica applying the change), and the store's");
        sb.AppendLine("(the last replica's `routing_applied_at` minus the time of the `routing.set` audit entry; both wall clock of this one");
        sb.AppendLine("machine). The first includes the store write; the second starts inside it. Percentiles are nearest-rank, so with");
        sb.AppendLine(string.Create(c, $"{n} rollbacks the p99 is the {(int)Math.Ceiling(0.99 * n)}th smallest{(Math.Ceiling(0.99 * n) >= n ? " (the max)" : "")}.")).AppendLine();

        sb.AppendLine("| measure, ms | p50 | p95 | p99 | max |");
        sb.AppendLine("|---|---:|---:|---:|---:|");
        Row(sb, "fleet, API (`replicas.milliseconds`)", samples.Select(s => s.FleetMs));
        Row(sb, "fleet, store (`routing.set` audit → last `routing_applied_at`)", samples.Select(s => s.StoreMs));
        Row(sb, "the replica that took the call (`propagation_ms`)", samples.Select(s => s.LocalMs));
        Row(sb, "the whole call (`total_ms`)", samples.Select(s => s.TotalMs));
        sb.AppendLine();

        var complete = samples.Count(s => s.Complete);
        var allThree = samples.Count(s => s.Applied == 3 && s.Live == 3);
        var served = samples.Sum(s => s.ServedTarget);
        sb.AppendLine(string.Create(c, $"- Complete (every live replica confirmed within the API's 2 s wait): **{complete}/{n}**; 3 of 3 replicas live and applied: {allThree}/{n}."));
        sb.AppendLine(string.Create(c,
            $"- Each replica's `routing_applied_at` after the `routing.set` audit entry, medians: first {Stats.Median(samples.Select(s => s.AppliedAfterMs[0])):0.0} ms, "
            + $"second {Stats.Median(samples.Where(s => s.AppliedAfterMs.Count > 1).Select(s => s.AppliedAfterMs[1])):0.0} ms, last {Stats.Median(samples.Select(s => s.StoreMs)):0.0} ms; "
            + $"the replica that took the call {Stats.Median(samples.Select(s => s.CallerAppliedAfterMs)):0.0} ms."));
        sb.AppendLine("- The target is never the version serving at the time (it is the one before), so no replica has its bundle routed: the");
        sb.AppendLine("  replica that takes the call switches after the store write and a reload rather than ahead of the write (docs/rollouts.md,");
        sb.AppendLine("  \"Rollback propagation\"), and the others reload on the notification (as they do for every change). A rollout's own rollback, to the stable version that");
        sb.AppendLine("  still serves, takes the faster path: see the leader's rollback times in the detection trials below.");
        sb.AppendLine(string.Create(c, $"- Right after each rollback, one request to each replica: {served} of {n * 3} served by the target version."));
        var byReplica = samples.GroupBy(s => s.ViaReplica).OrderBy(g => g.Key)
            .Select(g => string.Create(c, $"replica {g.Key}{(g.Key == leader ? " (leader)" : "")} {Stats.Median(g.Select(s => s.FleetMs)):0.0} ms"));
        sb.AppendLine($"- Median fleet (API) milliseconds by the replica that took the call: {string.Join(", ", byReplica)}.");
        var slowest = samples.OrderByDescending(s => s.FleetMs).Take(3)
            .Select(s => string.Create(c, $"#{s.N} (to svc@{s.Target} via replica {s.ViaReplica}: fleet {s.FleetMs:0.0} ms, store {s.StoreMs:0.0} ms, its own switch {s.LocalMs:0.0} ms)"));
        sb.AppendLine($"- Slowest by the API's measure: {string.Join("; ", slowest)}.");
        var wrong = samples.Where(s => s.ServedTarget < 3).Select(s => string.Create(c, $"#{s.N} (to {s.Target}: {string.Join("/", s.Served)})")).ToList();
        if (wrong.Count > 0)
        {
            sb.AppendLine($"- Checks that did not get the target: {string.Join(", ", wrong.Take(10))}{(wrong.Count > 10 ? " …" : "")}.");
        }

        sb.AppendLine().AppendLine("| goal (issue 11) | measure | p99 | result |");
        sb.AppendLine("|---|---|---:|---|");
        foreach (var (limit, name) in new[] { (Goal, "goal: p99 ≤ 250 ms"), (Aim, "aim: p99 ≤ 50 ms") })
        {
            Verdict(sb, name, "fleet, API", Stats.Percentile(samples.Select(s => s.FleetMs), 0.99), limit, complete == n);
            Verdict(sb, name, "fleet, store", Stats.Percentile(samples.Select(s => s.StoreMs), 0.99), limit, complete == n);
        }

        sb.AppendLine();
    }

    private static void Row(StringBuilder sb, string name, IEnumerable<double> values)
    {
        var list = values.ToList();
        sb.AppendLine(string.Create(CultureInfo.InvariantCulture,
            $"| {name} | {Stats.Percentile(list, 0.5):0.0} | {Stats.Percentile(list, 0.95):0.0} | {Stats.Percentile(list, 0.99):0.0} | {list.Max():0.0} |"));
    }

    private static void Verdict(StringBuilder sb, string goal, string measure, double p99, double limit, bool allComplete)
    {
        // An incomplete propagation has no true duration (the API stops waiting at 2 s), so it cannot meet a goal.
        var met = p99 <= limit && allComplete;
        sb.AppendLine(string.Create(CultureInfo.InvariantCulture,
            $"| {goal} | {measure} | {p99:0.0} ms | **{(met ? "met" : "missed")}**{(allComplete ? "" : " (not every rollback complete)")} |"));
    }
}
