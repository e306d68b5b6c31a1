using System.Collections.Immutable;
using Switchback.Core.Rollouts;

namespace Switchback.Core.Monitors;

/// <summary>One hour of a version's judged past: events and trials per watched signal, summed over the batches that began in it.</summary>
/// <param name="Hour">The UTC hour (minutes and seconds zero).</param>
/// <param name="Counts">Per signal.</param>
public sealed record HourTally(DateTimeOffset Hour, ImmutableDictionary<string, SignalCount> Counts);
