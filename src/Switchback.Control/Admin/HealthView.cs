using Switchback.Gateway.Health;

namespace Switchback.Control.Admin;

/// <summary>One version's health as the admin API shows it; <c>role</c> is stable, candidate, shadow or null (not routed).</summary>
internal sealed record HealthView(
    int Version,
    string? Role,
    string? Endpoint,
    string State,
    bool Serving,
    string Breaker,
    int ConsecutiveFailures,
    DateTimeOffset? LastProbeAt,
    double? LastProbeLatencyMs,
    int? LastProbeStatus,
    string? LastProbeError,
    DateTimeOffset? LastCheckAt,
    int? LastCheckStatus,
    string? LastCheckError)
{
    public static HealthView Of(VersionHealth h, string? role) => new(
        h.Version,
        role,
        h.Endpoint?.ToString(),
        h.State.ToString().ToLowerInvariant(),
        h.IsServing,
        h.Breaker switch { BreakerState.Open => "open", BreakerState.HalfOpen => "half_open", _ => "closed" },
        h.ConsecutiveFailures,
        h.LastProbeAt,
        h.LastProbeLatencyMs,
        h.LastProbeStatus,
        h.LastProbeError,
        h.LastCheckAt,
        h.LastCheckStatus,
        h.LastCheckError);
}
