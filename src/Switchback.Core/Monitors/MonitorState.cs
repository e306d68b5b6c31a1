using System.Collections.Immutable;
using System.Text.Json;
using Switchback.Core.Rollouts;

namespace Switchback.Core.Monitors;

/// <summary>
/// A monitor's persisted detector state (immutable; the leader stores it after every batch, docs/fleet.md "monitors"): the
/// version watched, how far its data has been counted, the batch under way, the hourly past, the statistics and the last alarm.
/// </summary>
/// <param name="Version">The stable version watched; another stable starts the state afresh.</param>
/// <param name="Since">When this version's watch (or its relearning after an alarm) began: a batch boundary.</param>
/// <param name="BatchStart">Where the batch under way begins.</param>
/// <param name="Through">Data is counted up to here (exclusive), at most the batch's end.</param>
/// <param name="Batch">Counts of the batch under way, per signal.</param>
/// <param name="History">The judged past within the baseline window, by hour, oldest first.</param>
/// <param name="LogStatistics">Per signal, ln of each e-CUSUM statistic (one per ratio).</param>
/// <param name="Last">Per signal, how the latest judged batch went.</param>
/// <param name="LastAlarm">The latest alarm, if any.</param>
/// <param name="Alarms">Alarms raised on this version.</param>
/// <param name="BatchesJudged">Batches judged since <see cref="Since"/>.</param>
public sealed record MonitorState(
    int Version,
    DateTimeOffset Since,
    DateTimeOffset BatchStart,
    DateTimeOffset Through,
    ImmutableDictionary<string, SignalCount> Batch,
    ImmutableArray<HourTally> History,
    ImmutableDictionary<string, ImmutableArray<double>> LogStatistics,
    ImmutableDictionary<string, SignalJudgement> Last,
    MonitorAlarm? LastAlarm,
    int Alarms,
    long BatchesJudged)
{
    /// <summary>
    /// Per quantile signal, the threshold its requests are counted above (an upper bucket edge, in the signal's unit), fixed
    /// from the first batch with enough values; a new version and an alarm clear it.
    /// </summary>
    public ImmutableDictionary<string, double> Thresholds { get; init; } = ImmutableDictionary<string, double>.Empty;

    /// <summary>The state as JSON (the store's <c>monitors.state_json</c>).</summary>
    public string Serialize() => JsonSerializer.Serialize(this, RolloutJson.Options);

    /// <summary>The state read back from <see cref="Serialize"/>'s JSON; throws <see cref="JsonException"/> on malformed text.</summary>
    public static MonitorState Deserialize(string json)
        => JsonSerializer.Deserialize<MonitorState>(json, RolloutJson.Options) ?? throw new JsonException("monitor state JSON is null");
}
