using System.Text;

namespace Switchback.Gateway.Metrics;

/// <summary>
/// Metrics another part of the server adds to <c>GET /metrics</c> (the fleet's replica gauges, for example), written at scrape
/// time through <see cref="PrometheusExposition.Gauge"/>. Implementations are thread-safe.
/// </summary>
public interface IMetricsContributor
{
    /// <summary>Appends complete metric families (HELP, TYPE and samples) to <paramref name="text"/>.</summary>
    void WriteTo(StringBuilder text);
}
