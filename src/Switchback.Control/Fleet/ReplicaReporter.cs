using System.Text.Json.Nodes;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Switchback.Gateway.Fleet;
using Switchback.Gateway.Routing;
using Switchback.Storage.Fleet;

namespace Switchback.Control.Fleet;

/// <summary>
/// This replica's heartbeat: every <see cref="FleetOptions.ReportInterval"/> it reports who it is, the routing epoch it applies,
/// and (in a fleet) ships the signal windows of every whole second since its last report, in one transaction. While the store is
/// unreachable nothing is lost that the rings still hold (one hour by default): the backlog is shipped when the store is back;
/// seconds that left the rings, or that the leader judged without this replica after marking it lost, are dropped and counted
/// (<c>dropped_seconds</c>, <c>dropped_requests</c> in its stats). A report carries at most <see cref="MaxSecondsPerReport"/>
/// seconds, so a long backlog drains over several reports. Thread-safe (one loop).
/// </summary>
internal sealed partial class ReplicaReporter(
    IFleetStore store,
    ReplicaIdentity identity,
    ILeadership leadership,
    SignalShipment shipment,
    RoutingSnapshotLoader routing,
    TimeProvider time,
    IOptions<FleetOptions> options,
    ILogger<ReplicaReporter> logger) : BackgroundService
{
    /// <summary>The most seconds one report ships, so a backlog after an outage goes up in bounded transactions.</summary>
    public const int MaxSecondsPerReport = 120;

    private readonly Lock statsLock = new();
    private long shippedThrough = time.GetUtcNow().ToUnixTimeSeconds();
    private bool rejoin;
    private long droppedSeconds;
    private long droppedRequests;
    private long failures;
    private double lastReportMs;

    /// <summary>Whether this replica ships its signal windows (a fleet) or only its heartbeat (one server, whose controller reads its own rings).</summary>
    public bool ShipsSignals => options.Value.ShareSignals;

    /// <summary>Every whole second before this one has been shipped (or dropped and counted).</summary>
    public long ShippedThrough => Interlocked.Read(ref shippedThrough);

    /// <summary>How far the shipped signals lag the clock, in seconds.</summary>
    public long LagSeconds => Math.Max(0, time.GetUtcNow().ToUnixTimeSeconds() - ShippedThrough);

    /// <summary>Seconds of signals dropped (left the rings before they could be shipped, or judged while this replica was lost).</summary>
    public long DroppedSeconds => Interlocked.Read(ref droppedSeconds);

    /// <summary>Requests in the dropped seconds, where they could still be counted.</summary>
    public long DroppedRequests => Interlocked.Read(ref droppedRequests);

    /// <summary>Reports that failed (store unreachable) since start.</summary>
    public long Failures => Interlocked.Read(ref failures);

    /// <summary>Makes one report now; returns whether the store took it.</summary>
    internal async Task<bool> ReportAsync(CancellationToken ct)
    {
        var started = time.GetTimestamp();
        var now = time.GetUtcNow();
        var current = now.ToUnixTimeSeconds();
        var from = ShippedThrough;
        var horizon = current - shipment.Horizon + 1;
        if (from < horizon)
        {
            // The rings no longer hold these seconds: they are lost, and said so.
            Interlocked.Add(ref droppedSeconds, horizon - from);
            from = horizon;
        }

        var to = ShipsSignals ? Math.Min(current, from + MaxSecondsPerReport) : current;
        var rows = ShipsSignals ? shipment.Collect(identity.Id, from, to).Rows : [];
        var units = ShipsSignals ? shipment.CollectUnits(identity.Id, from, to) : [];
        try
        {
            var status = await store.ReportReplicaAsync(Report(now, to), rows, units, rejoin, ct);
            if (status == ReplicaReportStatus.Lost)
            {
                // The leader stopped waiting for this replica: what it has not shipped may already be judged without it.
                var dropped = ShipsSignals ? shipment.Collect(identity.Id, from, current).Requests : 0;
                Interlocked.Add(ref droppedSeconds, current - from);
                Interlocked.Add(ref droppedRequests, dropped);
                LogRejoining(logger, identity.Id, current - from, dropped);
                rejoin = true;
                Interlocked.Exchange(ref shippedThrough, current);
                status = await store.ReportReplicaAsync(Report(now, current), [], rejoin: true, ct);
                to = current;
            }

            rejoin = false;
            Interlocked.Exchange(ref shippedThrough, to);
            lock (statsLock)
            {
                lastReportMs = time.GetElapsedTime(started).TotalMilliseconds;
            }

            return status == ReplicaReportStatus.Stored;
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            if (Interlocked.Increment(ref failures) % 30 == 1)
            {
                LogReportFailed(logger, ex, identity.Id, current - from);
            }

            return false;
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            // The first heartbeat names the address other replicas and people see; a host that never binds one reports anyway.
            await identity.WhenBound.WaitAsync(TimeSpan.FromSeconds(10), time, stoppingToken);
        }
        catch (TimeoutException)
        {
        }

        while (!stoppingToken.IsCancellationRequested)
        {
            await ReportAsync(stoppingToken);

            // A backlog drains at full speed; otherwise one report per interval.
            if (ShipsSignals && time.GetUtcNow().ToUnixTimeSeconds() - ShippedThrough > MaxSecondsPerReport)
            {
                continue;
            }

            try
            {
                await Task.Delay(options.Value.ReportInterval, time, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        try
        {
            // The last whole seconds go up with the goodbye, so the fleet need not wait out this replica's timeout.
            await ReportAsync(cancellationToken);
            await store.StopReplicaAsync(identity.Id, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogReportFailed(logger, ex, identity.Id, LagSeconds);
        }
    }

    private ReplicaReport Report(DateTimeOffset now, long signalsThrough)
    {
        double last;
        lock (statsLock)
        {
            last = lastReportMs;
        }

        var stats = new JsonObject
        {
            ["dropped_seconds"] = DroppedSeconds,
            ["dropped_requests"] = DroppedRequests,
            ["report_failures"] = Failures,
            ["backlog_seconds"] = Math.Max(0, now.ToUnixTimeSeconds() - signalsThrough),
            ["last_report_ms"] = Math.Round(last, 2),
            ["listening"] = store.Notifications.Listening,
        };
        return new ReplicaReport(identity.Id, identity.Address, identity.SoftwareVersion, identity.StartedAt, now, routing.AppliedEpoch,
            signalsThrough, leadership.IsLeader && leadership.Fence is not null, stats.ToJsonString());
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Replica {Replica} could not report to the store ({BacklogSeconds} s of signals waiting); it keeps serving and retries")]
    private static partial void LogReportFailed(ILogger logger, Exception exception, string replica, long backlogSeconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Replica {Replica} was marked lost by the leader; it rejoins and drops {Seconds} s of unshipped signals ({Requests} requests)")]
    private static partial void LogRejoining(ILogger logger, string replica, long seconds, long requests);
}
