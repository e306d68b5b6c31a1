namespace Switchback.Bench.Detection;

/// <summary>A way to decide rollback; sees every second, with the cumulative histograms already holding it.</summary>
internal interface IMethod
{
    /// <summary>True when this method rolls back after this second.</summary>
    bool Observe(Second second, World world);
}
