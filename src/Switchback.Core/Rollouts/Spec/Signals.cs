using System.Globalization;

namespace Switchback.Core.Rollouts;

/// <summary>The guardrail signals (PRODUCT.md §6 and the output-quality signals) and their shapes.</summary>
internal static class Signals
{
    private static readonly Dictionary<string, SignalKind> Catalog = new(StringComparer.Ordinal)
    {
        ["error_rate"] = SignalKind.Rate,
        ["timeout_rate"] = SignalKind.Rate,
        ["json_invalid_rate"] = SignalKind.Rate,
        ["refusal_rate"] = SignalKind.Rate,
        ["empty_rate"] = SignalKind.Rate,
        ["thumbs_down_rate"] = SignalKind.Rate,
        ["escalation_rate"] = SignalKind.Rate,
        ["upstream_oom"] = SignalKind.Count,
        ["safety_violations"] = SignalKind.Count,
        ["latency_p50"] = SignalKind.Quantile,
        ["latency_p95"] = SignalKind.Quantile,
        ["latency_p99"] = SignalKind.Quantile,
        ["ttft_p50"] = SignalKind.Quantile,
        ["ttft_p95"] = SignalKind.Quantile,
        ["ttft_p99"] = SignalKind.Quantile,
        ["response_length"] = SignalKind.Quantile,
        ["shadow_agreement"] = SignalKind.Agreement,
    };

    /// <summary>Every signal name, for error messages.</summary>
    public static string Names => string.Join(", ", Catalog.Keys);

    /// <summary>The kind of <paramref name="signal"/>, or null when it is not a guardrail signal.</summary>
    public static SignalKind? KindOf(string signal) => Catalog.TryGetValue(signal, out var kind) ? kind : null;

    /// <summary>The quantile a quantile signal compares: the <c>_pNN</c> suffix, or the median for <c>response_length</c>.</summary>
    public static double QuantileOf(string signal)
    {
        var at = signal.LastIndexOf("_p", StringComparison.Ordinal);
        return at > 0 && int.TryParse(signal.AsSpan(at + 2), NumberStyles.None, CultureInfo.InvariantCulture, out var percent)
            ? percent / 100.0
            : 0.5;
    }
}
