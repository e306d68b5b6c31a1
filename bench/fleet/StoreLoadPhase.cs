using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;

namespace Switchback.Bench.Fleet;

/// <summary>
/// What the fleet asks of PostgreSQL under load: a long healthy 50 % canary of svc@2 over svc@1 (so the leader reads every
/// replica's windows each second and judges two guardrails), traffic spread over the three replicas, and over the measured
/// window the replicas' statements (pg_stat_statements, reset at its start), commits (pg_stat_database), what they wrote to
/// signal_windows, and their signal lag sampled every second.
/// </summary>
internal sealed class StoreLoadPhase(BenchOptions options, FleetUnderTest fleet, Action<string> log)
{
    /// <summary>Before the window: connections, JIT tiering and the canary's first decisions settle.</summary>
    private static readonly TimeSpan WarmUp = TimeSpan.FromSeconds(5);

    /// <summary>After the window, before reading signal_windows: the window's last seconds are shipped within about two.</summary>
    private static readonly TimeSpan ShipGrace = TimeSpan.FromSeconds(4);

    public async Task<StoreLoadResults> RunAsync()
    {
        await fleet.RouteOnlyToAsync(1, "bench: store load starts on svc@1");
        await fleet.First.StartRolloutAsync(Manifests.Canary(2, "2h", 100, 50));
        await WaitForCanaryAsync();
        var leader = await fleet.LeaderAsync();
        await using var monitor = await StoreMonitor.OpenAsync(options);
        await using var load = new FixedRateLoad(fleet.Urls, options.LoadRate, "load-").Start();
        var lag = new List<(string Address, long LagSeconds, JsonObject Stats)>();
        var commitSteps = new List<double>();
        LoadResult traffic;
        (long Commits, long Rollbacks) xact0, xact1;
        long monitorTransactions, from, to, answered, vacuums;
        TimeSpan window;
        IReadOnlyList<StatementStats> statements;
        try
        {
            await Task.Delay(WarmUp);
            var vacuums0 = await monitor.AutovacuumRunsAsync();
            xact0 = await monitor.TransactionsAsync();
            var ownBefore = monitor.Transactions;
            await monitor.ResetStatementsAsync();
            var answeredBefore = load.Completed;
            var clock = Stopwatch.StartNew();
            from = TimeProvider.System.GetUtcNow().ToUnixTimeSeconds() + 1;
            using (var every = new PeriodicTimer(TimeSpan.FromSeconds(1)))
            {
                var (previous, own) = (xact0.Commits, monitor.Transactions);
                while (clock.Elapsed < TimeSpan.FromSeconds(options.LoadSeconds) && await every.WaitForNextTickAsync())
                {
                    lag.AddRange(await monitor.ReplicasAsync());
                    var commits = (await monitor.TransactionsAsync()).Commits;
                    commitSteps.Add(commits - previous - (monitor.Transactions - own));
                    (previous, own) = (commits, monitor.Transactions);
                }
            }

            statements = await monitor.StatementsAsync();
            window = clock.Elapsed;
            answered = load.Completed - answeredBefore;
            to = TimeProvider.System.GetUtcNow().ToUnixTimeSeconds();
            xact1 = await monitor.TransactionsAsync();
            monitorTransactions = monitor.Transactions - ownBefore;
            vacuums = await monitor.AutovacuumRunsAsync() - vacuums0;
        }
        finally
        {
            traffic = await load.StopAsync();
        }

        var rollout = await fleet.First.RolloutAsync();
        await fleet.First.AbortRolloutAsync("bench: store load measured");
        await Task.Delay(ShipGrace);
        var windows = await monitor.SignalWindowsAsync(from, to);
        var unitRows = await monitor.UnitRowsAsync(from, to);
        var addresses = fleet.Replicas.ToDictionary(r => r.Url, r => r.Index);
        log(string.Create(CultureInfo.InvariantCulture, $"store load: {answered / window.TotalSeconds:0} req/s answered in the window, {statements.Sum(s => s.Calls) / window.TotalSeconds:0} statements/s"));
        return new StoreLoadResults(
            leader.Index,
            window,
            to - from,
            statements,
            xact1.Commits - xact0.Commits - monitorTransactions,
            xact1.Rollbacks - xact0.Rollbacks,
            commitSteps,
            vacuums,
            monitorTransactions,
            [.. windows.Select(w => (addresses.GetValueOrDefault(w.Address), w.Rows, w.PayloadBytes))],
            [.. lag.Select(l => (addresses.GetValueOrDefault(l.Address), l.LagSeconds, l.Stats))],
            rollout["phase"]!.GetValue<string>(),
            answered / window.TotalSeconds,
            traffic)
        {
            UnitRows = unitRows,
        };
    }

    /// <summary>Waits until the canary's first step routes on every replica (at most 30 s).</summary>
    private async Task WaitForCanaryAsync()
    {
        for (var waited = Stopwatch.StartNew(); ; await Task.Delay(100))
        {
            var routing = await fleet.First.RoutingAsync();
            if (routing["candidate"]?.GetValue<int>() == 2)
            {
                await fleet.WaitForAllLiveAsync();
                return;
            }

            if (waited.Elapsed > TimeSpan.FromSeconds(30))
            {
                throw new TimeoutException($"the store-load canary did not start routing within 30 s: {routing}");
            }
        }
    }
}
