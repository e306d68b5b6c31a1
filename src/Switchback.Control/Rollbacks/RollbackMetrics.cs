using System.Diagnostics.Metrics;

namespace Switchback.Control.Rollbacks;

/// <summary>Counts rollbacks as <c>switchback_rollbacks_total{deployment,trigger}</c> (PRODUCT.md §6). Thread-safe.</summary>
internal sealed class RollbackMetrics
{
    /// <summary>The meter's name, for exporters.</summary>
    public const string MeterName = "Switchback.Rollbacks";

    private readonly Counter<long> rollbacks;

    public RollbackMetrics(IMeterFactory meters)
    {
        ArgumentNullException.ThrowIfNull(meters);
        var meter = meters.Create(MeterName);
        rollbacks = meter.CreateCounter<long>("switchback_rollbacks_total", description: "Rollbacks, by deployment and trigger");
    }

    public void Count(string deployment, string trigger)
        => rollbacks.Add(1, new KeyValuePair<string, object?>("deployment", deployment), new KeyValuePair<string, object?>("trigger", trigger));
}
