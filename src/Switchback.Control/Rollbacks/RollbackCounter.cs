using System.Diagnostics.Metrics;

namespace Switchback.Control.Rollbacks;

/// <summary>Counts rollbacks (in a Meter and in the gateway's <c>/metrics</c> counts) as <c>switchback_rollbacks_total{deployment,trigger}</c> (PRODUCT.md §6). Thread-safe.</summary>
internal sealed class RollbackCounter
{
    /// <summary>The meter's name, for exporters.</summary>
    public const string MeterName = "Switchback.Rollbacks";

    private readonly Counter<long> rollbacks;
    private readonly Gateway.Metrics.RollbackMetrics exported;

    public RollbackCounter(IMeterFactory meters, Gateway.Metrics.RollbackMetrics exported)
    {
        ArgumentNullException.ThrowIfNull(meters);
        var meter = meters.Create(MeterName);
        this.exported = exported;
        rollbacks = meter.CreateCounter<long>("switchback_rollbacks_total", description: "Rollbacks, by deployment and trigger");
    }

    public void Count(string deployment, string trigger)
    {
        // Both: the Meter for OpenTelemetry listeners, the gateway's counts for its /metrics page.
        exported.Record(deployment, trigger);
        rollbacks.Add(1, new KeyValuePair<string, object?>("deployment", deployment), new KeyValuePair<string, object?>("trigger", trigger));
    }
}
