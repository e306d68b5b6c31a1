using Switchback.Gateway.Signals;

namespace Switchback.Gateway.Tests.Signals;

public sealed class LatencySketchTests
{
    private static readonly double[] Quantiles = [0, 0.001, 0.01, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99, 0.999, 1];

    public static TheoryData<string> Distributions => ["log-normal", "uniform", "pareto", "bimodal"];

    [Theory]
    [MemberData(nameof(Distributions))]
    public void Quantile_LargeSample_IsWithinRelativeAccuracyOfExact(string distribution)
    {
        var values = Sample(distribution, 200_000, seed: 42);
        var sketch = new LatencySketch();
        foreach (var v in values)
        {
            sketch.Record(v);
        }

        Array.Sort(values);
        foreach (var q in Quantiles)
        {
            var exact = values[(int)Math.Floor(q * (values.Length - 1))];
            var estimate = sketch.Quantile(q);
            var error = Math.Abs(estimate - exact) / exact;
            Assert.True(error <= 0.01 + 1e-12, $"{distribution} q={q}: estimate {estimate} vs exact {exact}, relative error {error:P4}");
        }

        Assert.Equal(values.Length, sketch.Count);
        Assert.Equal(values.Sum(), sketch.Sum, 0.001 * values.Length);
        Assert.Equal(0, sketch.Underflow + sketch.Overflow);
    }

    [Fact]
    public void Quantile_CoarserLayout_IsWithinItsAccuracy()
    {
        var layout = new SketchLayout(0.05, 1, 100_000);
        var values = Sample("log-normal", 50_000, seed: 5);
        var sketch = new LatencySketch(layout);
        foreach (var v in values)
        {
            sketch.Record(v);
        }

        Array.Sort(values);
        var exact = values[(int)Math.Floor(0.95 * (values.Length - 1))];
        Assert.InRange(sketch.Quantile(0.95), exact * 0.95, exact * 1.05);
        Assert.True(layout.BucketCount < SketchLayout.Default.BucketCount / 4);
    }

    [Fact]
    public void Merge_TwoHalves_EqualsSketchOfAll()
    {
        var values = Sample("pareto", 20_000, seed: 9);
        var (all, left, right) = (new LatencySketch(), new LatencySketch(), new LatencySketch());
        for (var i = 0; i < values.Length; i++)
        {
            all.Record(values[i]);
            (i % 3 == 0 ? left : right).Record(values[i]);
        }

        left.Merge(right);

        Assert.Equal(all.Count, left.Count);
        Assert.Equal(all.Sum, left.Sum, 1e-6);
        foreach (var q in Quantiles)
        {
            Assert.Equal(all.Quantile(q), left.Quantile(q));
        }
    }

    [Fact]
    public void Merge_DifferentLayout_ThrowsAndChangesNothing()
    {
        var sketch = new LatencySketch();
        sketch.Record(5);
        var other = new LatencySketch(new SketchLayout(0.02, 0.1, 600_000));
        other.Record(7);

        var error = Assert.Throws<ArgumentException>(() => sketch.Merge(other));

        Assert.Contains("different layouts", error.Message, StringComparison.Ordinal);
        Assert.Equal(1, sketch.Count);
    }

    [Fact]
    public void Record_OutsideRange_ClampsAndCounts()
    {
        var sketch = new LatencySketch();
        sketch.Record(0);
        sketch.Record(0.01);
        sketch.Record(1_000_000);

        Assert.Equal(2, sketch.Underflow);
        Assert.Equal(1, sketch.Overflow);
        Assert.Equal(0.1, sketch.Quantile(0), 0.1 * 0.01);
        Assert.Equal(600_000, sketch.Quantile(1), 600_000 * 0.01);
        Assert.Equal(1_000_000.01, sketch.Sum, 0.001);
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    public void Record_InvalidValue_ThrowsAndCountsNothing(double value)
    {
        var sketch = new LatencySketch();
        Assert.Throws<ArgumentOutOfRangeException>(() => sketch.Record(value));
        Assert.Equal(0, sketch.Count);
        Assert.True(double.IsNaN(sketch.Quantile(0.5)));
    }

    [Theory]
    [InlineData(-0.1)]
    [InlineData(1.1)]
    [InlineData(double.NaN)]
    public void Quantile_OutOfRange_Throws(double q)
        => Assert.Throws<ArgumentOutOfRangeException>(() => new LatencySketch().Quantile(q));

    [Theory]
    [InlineData(0, 0.1, 10)]
    [InlineData(0.5, 0.1, 10)]
    [InlineData(0.01, 0, 10)]
    [InlineData(0.01, 10, 10)]
    [InlineData(0.01, 1, double.PositiveInfinity)]
    public void SketchLayout_InvalidSettings_Throw(double alpha, double min, double max)
        => Assert.Throws<ArgumentOutOfRangeException>(() => new SketchLayout(alpha, min, max));

    [Fact]
    public void Record_ConcurrentThreads_LosesNoValue()
    {
        var sketch = new LatencySketch();
        const int threads = 4;
        const int each = 50_000;

        Parallel.For(0, threads, new ParallelOptions { MaxDegreeOfParallelism = threads }, t =>
        {
            for (var i = 0; i < each; i++)
            {
                sketch.Record(1 + (i % 100));
            }
        });

        var merged = new LatencySketch();
        merged.Merge(sketch);
        Assert.Equal(threads * each, sketch.Count);
        Assert.Equal(threads * (each / 100) * 5_050.0, sketch.Sum, 1e-6);
        Assert.Equal(threads * each, merged.Count);
    }

    internal static double[] Sample(string distribution, int n, int seed)
    {
        var random = new Random(seed);
        var values = new double[n];
        for (var i = 0; i < n; i++)
        {
            values[i] = distribution switch
            {
                "log-normal" => Math.Exp(Math.Log(200) + (0.8 * Normal(random))),
                "uniform" => 1 + (random.NextDouble() * 4_999),
                "pareto" => 5 / Math.Pow(1 - random.NextDouble(), 1 / 1.5),
                "bimodal" => random.NextDouble() < 0.9 ? 20 + random.NextDouble() : 5_000 + (1_000 * random.NextDouble()),
                _ => throw new ArgumentOutOfRangeException(nameof(distribution)),
            };
        }

        return values;
    }

    private static double Normal(Random random)
        => Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
}
