namespace Switchback.Server.Telemetry;

/// <summary>
/// Which signals <c>switchback serve</c> exports over OTLP, read from the standard <c>OTEL_*</c> variables. Off unless asked
/// for (docs/observability.md, "Turning it on"): a signal is on when its <c>OTEL_{TRACES|METRICS}_EXPORTER</c> lists
/// <c>otlp</c>, or when that variable is unset and an OTLP endpoint is given (<c>OTEL_EXPORTER_OTLP_ENDPOINT</c> or the
/// signal's own <c>OTEL_EXPORTER_OTLP_{TRACES|METRICS}_ENDPOINT</c>). <c>OTEL_SDK_DISABLED=true</c> turns both off. Immutable.
/// </summary>
/// <param name="Traces">Whether spans are exported.</param>
/// <param name="Metrics">Whether metrics are exported.</param>
internal sealed record OtelExportChoice(bool Traces, bool Metrics)
{
    /// <summary>Whether anything is exported (and so whether the OpenTelemetry SDK is set up at all).</summary>
    public bool Any => Traces || Metrics;

    /// <summary>The choice the variables make; <paramref name="variable"/> returns a variable's value or null.</summary>
    /// <exception cref="ArgumentException">An exporter list names something other than <c>otlp</c> or <c>none</c>.</exception>
    public static OtelExportChoice From(Func<string, string?> variable)
    {
        ArgumentNullException.ThrowIfNull(variable);
        if (string.Equals(variable("OTEL_SDK_DISABLED")?.Trim(), "true", StringComparison.OrdinalIgnoreCase))
        {
            return new(false, false);
        }

        var endpoint = Given(variable("OTEL_EXPORTER_OTLP_ENDPOINT"));
        return new(
            Signal(variable, "OTEL_TRACES_EXPORTER", endpoint || Given(variable("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"))),
            Signal(variable, "OTEL_METRICS_EXPORTER", endpoint || Given(variable("OTEL_EXPORTER_OTLP_METRICS_ENDPOINT"))));
    }

    private static bool Signal(Func<string, string?> variable, string name, bool endpointGiven)
    {
        if (variable(name) is not { } list || string.IsNullOrWhiteSpace(list))
        {
            return endpointGiven;
        }

        var on = false;
        foreach (var item in list.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            on |= item.ToLowerInvariant() switch
            {
                "otlp" => true,
                "none" => false,
                _ => throw new ArgumentException($"{name}={list}: switchback exports only 'otlp' (or 'none'), not '{item}'"),
            };
        }

        return on;
    }

    private static bool Given(string? value) => !string.IsNullOrWhiteSpace(value);
}
