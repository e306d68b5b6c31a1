using System.Text;
using System.Text.Json;
using Switchback.Core.Rollouts;
using Switchback.Gateway.Metrics;

namespace Switchback.Control.Rollouts;

/// <summary>
/// <c>switchback_rollout_phase{deployment,phase,reason}</c> on <c>/metrics</c>: 1 for each active rollout's phase, as the
/// leader's controller last listed them (at most one tick, 1 s, old); nothing on a follower or without active rollouts, so an
/// alert on it fires once, from the leader. Read at scrape time from a snapshot the controller swaps in; no store query.
/// Thread-safe: an array never written after it is published, behind a volatile field.
/// </summary>
internal sealed class RolloutPhaseMetrics : IMetricsContributor
{
    private volatile (string Deployment, string Phase, string Reason)[] current = [];

    /// <summary>Replaces the exposed phases with those of <paramref name="active"/> (the controller's list of active rollouts).</summary>
    public void Set(IEnumerable<RolloutState> active)
        => current = [.. active.Select(r => (r.Deployment, Name(r.Phase.ToString()), Name(r.Reason.ToString()))).OrderBy(r => r.Deployment, StringComparer.Ordinal)];

    /// <summary>Shows no rollout: this process stopped leading.</summary>
    public void Clear() => current = [];

    public void WriteTo(StringBuilder text) => PrometheusExposition.Gauge(
        text,
        "switchback_rollout_phase",
        "1 for the phase of each active rollout (pending, gating, shadowing, progressing, paused) with the reason (none, plan_pause, operator, soft_breach, inconclusive); exposed by the leader.",
        current.Select(r => ((IReadOnlyList<(string, string)>)[("deployment", r.Deployment), ("phase", r.Phase), ("reason", r.Reason)], 1.0)));

    // The names the admin API and the store use for the same values (rolled_back, soft_breach, ...).
    private static string Name(string value) => JsonNamingPolicy.SnakeCaseLower.ConvertName(value);
}
