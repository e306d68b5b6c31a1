using Switchback.Core.Analysis;

namespace Switchback.Core.Tests.Analysis;

public sealed class LatencyThresholdTests
{
    [Theory]
    [InlineData("latency", 0.5)]
    [InlineData("ttft", 0.5)]
    [InlineData("latency_p50", 0.5)]
    [InlineData("latency_p95", 0.95)]
    [InlineData("latency_p99", 0.99)]
    [InlineData("latency_p999", 0.999)]
    [InlineData("ttft_p95", 0.95)]
    public void QuantileFor_LatencySignal_ReturnsItsQuantile(string signal, double expected) =>
        Assert.Equal(expected, LatencyThreshold.QuantileFor(signal), 12);

    [Theory]
    [InlineData("error_rate")]
    [InlineData("latency_p")]
    [InlineData("latency_p5")]
    [InlineData("latency_p10")]
    [InlineData("latency_pxx")]
    [InlineData("latency_p95 ")]
    [InlineData("")]
    public void QuantileFor_NotALatencySignal_ThrowsNamingIt(string signal)
    {
        var error = Assert.Throws<ArgumentException>(() => LatencyThreshold.QuantileFor(signal));

        Assert.Contains($"'{signal}'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void CandidateExceeds_DividesByMaxRatio()
    {
        Assert.False(LatencyThreshold.CandidateExceeds(120, 100, 1.25));
        Assert.True(LatencyThreshold.CandidateExceeds(126, 100, 1.25));
        Assert.True(LatencyThreshold.BaselineExceeds(101, 100));
        Assert.False(LatencyThreshold.BaselineExceeds(100, 100));
    }
}
