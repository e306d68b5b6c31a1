using Switchback.Gateway.Signals;

namespace Switchback.Gateway.Tests.Signals;

public sealed class LatencySketchCountAboveTests
{
    [Fact]
    public void CountAbove_ThresholdFromQuantile_CountsValuesInHigherBuckets()
    {
        var sketch = new LatencySketch();
        for (var i = 1; i <= 1000; i++)
        {
            sketch.Record(i);
        }

        var p95 = sketch.Quantile(0.95);
        var above = sketch.CountAbove(p95);

        // Values above the p95 bucket: about 5 % of 1000, give or take one bucket's width (1 % relative accuracy).
        Assert.InRange(above, 35, 55);
        Assert.Equal(1000, sketch.CountAbove(0));
        Assert.Equal(0, sketch.CountAbove(10_000));
    }

    [Fact]
    public void CountAbove_EmptySketch_Zero()
        => Assert.Equal(0, new LatencySketch().CountAbove(5));

    [Fact]
    public void CountAbove_NaN_Throws()
        => Assert.Throws<ArgumentOutOfRangeException>(() => new LatencySketch().CountAbove(double.NaN));
}
