using System.Collections.Concurrent;
using System.Runtime.CompilerServices;

namespace Switchback.Gateway.Metrics;

/// <summary>
/// Lifetime rollback counts by (deployment, trigger), exposed as <c>switchback_rollbacks_total</c>. The rollout controller
/// calls <see cref="Record"/> once per rollback it performs. Thread-safe.
/// </summary>
public sealed class RollbackMetrics
{
    private readonly ConcurrentDictionary<(string Deployment, string Trigger), StrongBox<long>> counts = new();

    /// <summary>Counts one rollback of <paramref name="deployment"/>; <paramref name="trigger"/> names why (e.g. <c>guardrail</c>, <c>manual</c>, <c>drill</c>).</summary>
    public void Record(string deployment, string trigger)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(deployment);
        ArgumentException.ThrowIfNullOrWhiteSpace(trigger);
        var box = counts.GetOrAdd((deployment, trigger), static _ => new StrongBox<long>());
        Interlocked.Increment(ref box.Value);
    }

    /// <summary>Every (deployment, trigger) with its count, in no particular order.</summary>
    public IReadOnlyList<(string Deployment, string Trigger, long Count)> Snapshot()
        => [.. counts.Select(pair => (pair.Key.Deployment, pair.Key.Trigger, Interlocked.Read(ref pair.Value.Value)))];
}
