namespace Switchback.Gateway.Signals;

/// <summary>
/// The extra per-version window counters the gateway keeps (see <see cref="SignalOptions.CounterNames"/>). Shadow
/// counters sit on the shadow version, so the controller can tell mirrored traffic from user traffic: that version's
/// <c>requests</c> include <see cref="ShadowRequests"/> mirrored ones.
/// </summary>
public static class GatewayCounters
{
    /// <summary>Mirrored requests the shadow version answered or failed (also counted in its requests).</summary>
    public const string ShadowRequests = "shadow_requests";

    /// <summary>Mirrored copies dropped because the shadow queue was full.</summary>
    public const string ShadowDropped = "shadow_dropped";

    /// <summary>Shadow answers compared with the primary's (both non-streaming, successful chat/completions JSON).</summary>
    public const string ShadowCompared = "shadow_compared";

    /// <summary>Sum of the compared answers' similarities in millionths: mean agreement = this / 1e6 / <see cref="ShadowCompared"/>.</summary>
    public const string ShadowAgreementMicros = "shadow_agreement_micros";

    /// <summary>Compared answers whose text was exactly equal.</summary>
    public const string ShadowExactMatch = "shadow_exact_match";

    /// <summary>Compared answers that both parse as JSON objects.</summary>
    public const string ShadowJsonCompared = "shadow_json_compared";

    /// <summary>Compared answers that both parse as JSON objects and are structurally equal.</summary>
    public const string ShadowJsonEqual = "shadow_json_equal";

    /// <summary>Sum over compared answers of (shadow latency − primary latency) in milliseconds; may be negative.</summary>
    public const string ShadowLatencyDeltaMs = "shadow_latency_delta_ms";

    /// <summary>Requests (to this candidate, or copies to this shadow) not sent to it because its circuit breaker was open; a candidate's went to stable.</summary>
    public const string CircuitOpen = "circuit_open";

    /// <summary>Every name above, in the order the gateway configures them.</summary>
    public static IReadOnlyList<string> All { get; } =
    [
        ShadowRequests, ShadowDropped, ShadowCompared, ShadowAgreementMicros, ShadowExactMatch, ShadowJsonCompared,
        ShadowJsonEqual, ShadowLatencyDeltaMs, CircuitOpen,
    ];

    /// <summary>Adds to a named counter when the registry was configured with it; a no-op otherwise.</summary>
    public static void Add(VersionSignals signals, string name, long delta = 1)
    {
        ArgumentNullException.ThrowIfNull(signals);
        if (signals.CounterIndex(name) is var index and >= 0)
        {
            signals.AddCounter(index, delta);
        }
    }
}
