using Switchback.Core.Analysis;

namespace Switchback.Core.Tests.Analysis;

public sealed class AlphaSplitTests
{
    [Theory]
    [InlineData(0.01, 1, 0.01)]
    [InlineData(0.01, 2, 0.005)]
    [InlineData(0.05, 5, 0.01)]
    public void PerGuardrail_ValidBudget_SplitsEqually(double alpha, int guardrails, double expected) =>
        Assert.Equal(expected, AlphaSplit.PerGuardrail(alpha, guardrails), 12);

    [Theory]
    [InlineData(0.0, 1, "alpha")]
    [InlineData(1.0, 1, "alpha")]
    [InlineData(double.NaN, 1, "alpha")]
    [InlineData(0.01, 0, "at least one")]
    public void PerGuardrail_Invalid_Throws(double alpha, int guardrails, string expected)
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => AlphaSplit.PerGuardrail(alpha, guardrails));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }
}
