using System.Collections.Immutable;

namespace Switchback.Core.Analysis;

/// <summary>
/// The prior of <see cref="CountRatioTest"/>'s mixture: <see cref="GridSize"/> alternative ratios spaced geometrically
/// from <see cref="SmallestEffect"/> to <see cref="LargestEffect"/> times the guardrail's <c>max_ratio</c>, with equal
/// weights. A smaller smallest effect finds small regressions eventually; fewer, larger effects find large ones sooner.
/// See docs/statistics.md for how the defaults were chosen from the detection study.
/// </summary>
public sealed record CountTestOptions
{
    /// <summary>The default prior.</summary>
    public static CountTestOptions Default { get; } = new();

    /// <summary>The smallest alternative ratio, as a multiple of <c>max_ratio</c>.</summary>
    /// <value>Default 1.25 (1.1 before the detection study); must be above 1.</value>
    public double SmallestEffect { get; init; } = 1.25;

    /// <summary>The largest alternative ratio, as a multiple of <c>max_ratio</c>.</summary>
    /// <value>Default 8 (16 before the detection study); at least <see cref="SmallestEffect"/>, at most 1,000,000.</value>
    public double LargestEffect { get; init; } = 8;

    /// <summary>How many alternative ratios the mixture holds.</summary>
    /// <value>Default 8 (16 before the detection study); 1 to 256 (1 needs <see cref="SmallestEffect"/> = <see cref="LargestEffect"/>).</value>
    public int GridSize { get; init; } = 8;

    /// <summary>Throws <see cref="ArgumentException"/> naming the first option out of range.</summary>
    public void Validate()
    {
        if (!(SmallestEffect > 1 && double.IsFinite(SmallestEffect)))
        {
            throw new ArgumentException($"the smallest effect must be a finite number above 1 (it is {SmallestEffect})");
        }

        if (!(LargestEffect >= SmallestEffect && LargestEffect <= 1e6))
        {
            throw new ArgumentException($"the largest effect must be between the smallest effect ({SmallestEffect}) and 1000000 (it is {LargestEffect})");
        }

        if (GridSize is < 1 or > 256)
        {
            throw new ArgumentException($"the grid size must be 1 to 256 (it is {GridSize})");
        }

        if (GridSize == 1 && LargestEffect != SmallestEffect)
        {
            throw new ArgumentException("a grid of one ratio needs the smallest and largest effects equal");
        }
    }

    /// <summary>The alternative ratios as multiples of <c>max_ratio</c>, smallest first.</summary>
    public ImmutableArray<double> Effects()
    {
        Validate();
        var builder = ImmutableArray.CreateBuilder<double>(GridSize);
        var logStep = GridSize == 1 ? 0 : Math.Log(LargestEffect / SmallestEffect) / (GridSize - 1);
        for (var k = 0; k < GridSize; k++)
        {
            builder.Add(SmallestEffect * Math.Exp(logStep * k));
        }

        return builder.MoveToImmutable();
    }
}
