namespace Switchback.Gateway.Signals;

/// <summary>
/// The bucket geometry of a <see cref="LatencySketch"/>: bucket k holds values in (γ^(k−1), γ^k] with
/// γ = (1+α)/(1−α), over [<see cref="MinValue"/>, <see cref="MaxValue"/>]. Sketches merge only with the same layout.
/// Immutable.
/// </summary>
public sealed class SketchLayout : IEquatable<SketchLayout>
{
    private readonly double _inverseLogGamma;

    /// <summary>Creates a layout; throws <see cref="ArgumentOutOfRangeException"/> on a bad accuracy or range.</summary>
    /// <param name="relativeAccuracy">α, the guaranteed relative error of quantiles, in (0, 0.5).</param>
    /// <param name="minValue">The smallest value kept exactly (milliseconds); smaller ones are clamped up and counted.</param>
    /// <param name="maxValue">The largest value kept exactly (milliseconds); larger ones are clamped down and counted.</param>
    public SketchLayout(double relativeAccuracy, double minValue, double maxValue)
    {
        if (!(relativeAccuracy > 0 && relativeAccuracy < 0.5))
        {
            throw new ArgumentOutOfRangeException(nameof(relativeAccuracy), relativeAccuracy, "relative accuracy must be between 0 and 0.5 (0.01 = 1 %)");
        }

        if (!(minValue > 0 && double.IsFinite(minValue)))
        {
            throw new ArgumentOutOfRangeException(nameof(minValue), minValue, "the smallest tracked value must be a positive number");
        }

        if (!(maxValue > minValue && double.IsFinite(maxValue)))
        {
            throw new ArgumentOutOfRangeException(nameof(maxValue), maxValue, $"the largest tracked value must be finite and above the smallest ({minValue})");
        }

        RelativeAccuracy = relativeAccuracy;
        MinValue = minValue;
        MaxValue = maxValue;
        Gamma = (1 + relativeAccuracy) / (1 - relativeAccuracy);
        _inverseLogGamma = 1 / Math.Log(Gamma);
        MinIndex = RawIndex(minValue);
        BucketCount = RawIndex(maxValue) - MinIndex + 1;
    }

    /// <summary>α = 1 % over 0.1 ms .. 10 min: 782 buckets.</summary>
    public static SketchLayout Default { get; } = new(0.01, 0.1, 600_000);

    /// <summary>α: every quantile is within this relative error of the exact one, for values inside the range.</summary>
    public double RelativeAccuracy { get; }

    /// <summary>The smallest value kept without clamping.</summary>
    public double MinValue { get; }

    /// <summary>The largest value kept without clamping.</summary>
    public double MaxValue { get; }

    /// <summary>γ = (1+α)/(1−α), the ratio between bucket bounds.</summary>
    public double Gamma { get; }

    /// <summary>The number of buckets (the length of each sketch's count array).</summary>
    public int BucketCount { get; }

    private int MinIndex { get; }

    /// <inheritdoc />
    public bool Equals(SketchLayout? other)
        => other is not null && (ReferenceEquals(this, other)
            || (other.RelativeAccuracy == RelativeAccuracy && other.MinValue == MinValue && other.MaxValue == MaxValue));

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as SketchLayout);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(RelativeAccuracy, MinValue, MaxValue);

    /// <summary>The bucket of a value already clamped into the range.</summary>
    internal int BucketOf(double clamped) => Math.Clamp(RawIndex(clamped) - MinIndex, 0, BucketCount - 1);

    /// <summary>
    /// The largest value bucket <paramref name="bucket"/> can hold (infinity for the last, which also holds clamped overflow).
    /// </summary>
    internal double UpperBound(int bucket) => bucket >= BucketCount - 1 ? double.PositiveInfinity : Math.Pow(Gamma, bucket + MinIndex);

    /// <summary>
    /// A value every value in bucket <paramref name="bucket"/> exceeds (0 for the first, which also holds clamped underflow).
    /// </summary>
    internal double LowerBound(int bucket) => bucket <= 0 ? 0 : Math.Pow(Gamma, bucket - 1 + MinIndex);

    /// <summary>The representative value of a bucket: within α of every value the bucket holds.</summary>
    internal double ValueOf(int bucket) => 2 * Math.Pow(Gamma, bucket + MinIndex) / (Gamma + 1);

    private int RawIndex(double value) => (int)Math.Ceiling(Math.Log(value) * _inverseLogGamma);
}
