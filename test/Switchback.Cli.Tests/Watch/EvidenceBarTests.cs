using Switchback.Cli.Watch;

namespace Switchback.Cli.Tests.Watch;

public sealed class EvidenceBarTests
{
    [Theory]
    [InlineData(1, 100, 0)]
    [InlineData(0.25, 100, 0)]
    [InlineData(10, 100, 10)]
    [InlineData(3.1622776601683795, 100, 5)]
    [InlineData(31.622776601683793, 100, 15)]
    [InlineData(100, 100, 20)]
    [InlineData(4839, 100, 20)]
    [InlineData(20, 20, 20)]
    [InlineData(double.NaN, 100, 0)]
    public void Filled_LogScaleFromOneToThreshold(double eValue, double threshold, int cells)
        => Assert.Equal(cells, EvidenceBar.Filled(eValue, threshold));

    [Fact]
    public void Filled_EachTenfoldAddsTheSameCells()
    {
        var threshold = 1e4;
        var steps = new[] { 1.0, 10, 100, 1000, 10000 }.Select(e => EvidenceBar.Filled(e, threshold)).ToArray();

        Assert.Equal([0, 5, 10, 15, 20], steps);
    }

    [Fact]
    public void Text_FilledThenEmptyCellsAndLabelWithTheNumbers()
    {
        Assert.Equal(new string('█', 10) + new string('░', 10), EvidenceBar.Text(10, 100));
        Assert.Equal("e 81.95 / 100", EvidenceBar.Label(81.94580008260625, 100));
    }
}
