using System.Collections.Concurrent;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Switchback.Control.Alerts;
using Switchback.Control.Fleet;
using Switchback.Control.Rollouts;
using Switchback.Core.Manifests;
using Switchback.Core.OnlineEvaluators;
using Switchback.Core.Monitors;
using Switchback.Core.Rollouts;
using Switchback.Gateway.Signals;
using Switchback.Storage;

namespace Switchback.Control.Monitors;

/// <summary>
/// Runs every monitor while this process leads (<see cref="ILeadership"/>): every <see cref="TickInterval"/> it reads the stable
/// version's signals since the monitor's cursor — this process's rings, or in a fleet the merged windows every replica shipped,
/// through the same <see cref="IRolloutSignals"/> the rollout controller reads — feeds them to the pure
/// <see cref="MonitorDetector"/>, saves the state whenever a batch closes, and on an alarm sends the alert. It never changes
/// routing. Thread-safe: ticks run one at a time on the hosted service's loop.
/// </summary>
/// <remarks>
/// What is kept in memory is only the batch under way (at most one batch of counts per monitor) and, until a quantile signal's
/// threshold is fixed, its values so far. The store holds the state as of
/// the last closed batch, and the signal windows hold the data since: with three replicas, when the leader dies the next leader
/// loads the stored state and reads the windows from its cursor again, so nothing is lost or counted twice; an alarm is sent only
/// after the state that records it was saved, and a save that another leader made first is refused, so an alarm is sent once.
/// </remarks>
internal sealed class MonitorController(
    IRegistryStore store,
    IRolloutSignals signals,
    IAlertDispatcher alerts,
    ILeadership leadership,
    TimeProvider time,
    ILogger<MonitorController> logger) : BackgroundService
{
    /// <summary>How often monitors read new data.</summary>
    public static readonly TimeSpan TickInterval = TimeSpan.FromSeconds(1);

    /// <summary>
    /// The most data a monitor catches up on after a pause (a restart, a new leader): older than that, the batch under way is
    /// dropped and counting starts at the next batch, since the signal windows of that time may be gone.
    /// </summary>
    /// <remarks>Below the hour that signal rings (<c>SignalOptions.WindowCount</c>) and the fleet's windows (<c>FleetOptions.SignalRetention</c>) keep by default.</remarks>
    public static readonly TimeSpan MaxCatchUp = TimeSpan.FromMinutes(45);

    /// <summary>No rollout has this id: monitors read versions, not a rollout's units.</summary>
    private const string NoRollout = "monitor";

    /// <summary>The most reads per monitor and tick, so one monitor far behind does not hold up the others.</summary>
    private const int MaxReadsPerTick = 64;

    /// <summary>Values a quantile signal's first interval needs before its threshold is fixed from it.</summary>
    private const int MinValuesForThreshold = 50;

    private readonly ConcurrentDictionary<string, (long Generation, MonitorState State)> underWay = new(StringComparer.Ordinal);

    /// <summary>Values of quantile signals whose threshold is not fixed yet, by deployment, version and signal.</summary>
    private readonly ConcurrentDictionary<(string Deployment, int Version, string Signal), LatencySketch> unfixed = new();

    /// <summary>
    /// While this process leads, advances every monitor once, at the clock's now; errors are logged and retried on the next tick.
    /// Otherwise forgets the batches under way: another replica runs the monitors, and on leading again this one starts from the store.
    /// </summary>
    public async Task TickAsync(CancellationToken ct)
    {
        if (!leadership.IsLeader)
        {
            underWay.Clear();
            unfixed.Clear();
            return;
        }

        IReadOnlyList<StoredMonitor> monitors;
        try
        {
            monitors = await store.ListMonitorsAsync(ct);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            MonitorLog.ListFailed(logger, ex);
            return;
        }

        foreach (var monitor in monitors)
        {
            try
            {
                await StepAsync(monitor, ct);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
            {
                underWay.TryRemove(monitor.Deployment, out _);
                MonitorLog.StepFailed(logger, ex, monitor.Deployment);
            }
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                // The wait starts before the work, so a clock advanced while the work runs is not missed.
                var wait = Task.Delay(TickInterval, time, stoppingToken);
                await TickAsync(stoppingToken);
                await wait;
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down.
        }
    }

    /// <summary>
    /// A quantile signal as a rate: the requests above the signal's threshold out of all. The threshold is fixed once, from the
    /// first values to reach <see cref="MinValuesForThreshold"/> since the watch began, at the upper edge of its quantile's bucket; requests are
    /// counted only when their whole bucket is above it. Which threshold does not matter for the guarantee (any fixed one makes
    /// "share above it" a rate); near the watched quantile it makes the rate sensitive to a shift of that quantile.
    /// </summary>
    /// <remarks>
    /// Until the threshold is fixed, the values are merged in memory (<see cref="unfixed"/>). A new leader starts that
    /// collection again: it only chooses the threshold, so nothing counted is lost.
    /// </remarks>
    private MonitorState CountAbove(string deployment, MonitorState state, string signal, double quantile, LatencySketch sketch, Dictionary<string, SignalCount> counts)
    {
        if (!state.Thresholds.TryGetValue(signal, out var threshold))
        {
            var seen = unfixed.GetOrAdd((deployment, state.Version, signal), _ => new LatencySketch(sketch.Layout));
            seen.Merge(sketch);
            if (seen.Count < MinValuesForThreshold || double.IsNaN(seen.QuantileUpperBound(quantile)))
            {
                return state;
            }

            threshold = seen.QuantileUpperBound(quantile);
            unfixed.TryRemove((deployment, state.Version, signal), out _);
            state = state with { Thresholds = state.Thresholds.SetItem(signal, threshold) };
        }

        counts[signal] = new SignalCount(sketch.CountSurelyAbove(threshold), sketch.Count);
        return state;
    }

    private static LatencySketch Sketch(string signal, SignalSnapshot snapshot, LatencySketch lengths) => signal switch
    {
        EvaluationSignals.ResponseLength => lengths,
        _ when signal.StartsWith("ttft_", StringComparison.Ordinal) => snapshot.TimeToFirstTokenSketch,
        _ => snapshot.LatencySketch,
    };

    private async Task StepAsync(StoredMonitor stored, CancellationToken ct)
    {
        if (ManifestReader.Read(stored.SpecJson, $"the stored monitor of {stored.Deployment}").Documents is not [MonitorManifest { Spec: var spec }])
        {
            MonitorLog.Unreadable(logger, stored.Deployment);
            return;
        }

        if (await store.GetDeploymentAsync(spec.Deployment, ct) is not { } info || !info.Aliases.TryGetValue("stable", out var stable))
        {
            return;
        }

        var now = time.GetUtcNow();
        var saved = stored.StateJson is null ? null : MonitorState.Deserialize(stored.StateJson);
        var state = underWay.TryGetValue(spec.Deployment, out var cached) && cached.Generation == stored.Generation && saved is not null && cached.State.Through >= saved.Through
            ? cached.State
            : saved;
        if (state is null || state.Version != stable)
        {
            state = MonitorDetector.Start(spec, stable, now);
        }
        else if (now - state.Through > MaxCatchUp)
        {
            state = MonitorDetector.SkipTo(spec, state, now);
        }

        MonitorAlarm? alarm = null;
        for (var i = 0; i < MaxReadsPerTick && alarm is null; i++)
        {
            var batchEnd = MonitorDetector.BatchEnd(spec, state);
            var cap = now < batchEnd ? now : batchEnd;
            if (cap <= state.Through || await signals.ReadAsync(spec.Deployment, [stable], NoRollout, state.Through, cap, ct) is not { } read || read.End <= state.Through)
            {
                break;
            }

            var (snapshot, lengths) = read.Versions[stable];
            var counts = new Dictionary<string, SignalCount>(StringComparer.Ordinal);
            foreach (var signal in spec.Signals)
            {
                if (MonitorSpec.QuantileOf(signal) is { } quantile)
                {
                    state = CountAbove(spec.Deployment, state, signal, quantile, Sketch(signal, snapshot, lengths), counts);
                }
                else if (RolloutObserver.Events(signal, snapshot) is { } count)
                {
                    counts[signal] = count;
                }
            }

            (state, alarm) = MonitorDetector.Add(spec, state, counts, read.End);
        }

        underWay[spec.Deployment] = (stored.Generation, state);
        if (saved is not null && state.BatchStart <= saved.BatchStart && state.Version == saved.Version)
        {
            return;
        }

        // The state is saved before the alarm is sent: a replica that lost the lead meanwhile finds its save refused and sends nothing.
        if (!await store.SaveMonitorStateAsync(spec.Deployment, stored.Generation, state.Serialize(), state.Through.ToUnixTimeSeconds(), ct))
        {
            underWay.TryRemove(spec.Deployment, out _);
            return;
        }

        if (alarm is not null)
        {
            MonitorLog.Alarmed(logger, spec.Deployment, alarm.Version, alarm.Signal, alarm.Statistic, alarm.Threshold);
            alerts.Enqueue(MonitorAlerts.Message(spec, alarm), [.. spec.Alerts.Select(a => new AlertReceiver(a.Webhook, a.Slack))]);
        }
    }
}
