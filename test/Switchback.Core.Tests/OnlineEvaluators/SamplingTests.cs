using Switchback.Core.OnlineEvaluators;

namespace Switchback.Core.Tests.OnlineEvaluators;

public sealed class SamplingTests
{
    private static readonly string[] RequestIds = Enumerable.Range(0, 20_000).Select(i => $"req-{i:x8}").ToArray();

    [Theory]
    [InlineData(0.0)]
    [InlineData(0.1)]
    [InlineData(0.5)]
    [InlineData(1.0)]
    public void ShouldEvaluate_SampleRate_PicksThatShareOfRequests(double rate)
    {
        var evaluator = new ResponseEvaluator(EvaluatorOptions.Default with { SampleRate = rate });

        var share = RequestIds.Count(evaluator.ShouldEvaluate) / (double)RequestIds.Length;

        // Binomial sd at 20,000 draws is at most 0.0036; 0.015 is over four of them.
        Assert.InRange(share, rate - 0.015, rate + 0.015);
    }

    [Fact]
    public void ShouldEvaluate_SameId_SameAnswerOnEveryEvaluator()
    {
        var first = new ResponseEvaluator(EvaluatorOptions.Default with { SampleRate = 0.3 });
        var second = new ResponseEvaluator(EvaluatorOptions.Default with { SampleRate = 0.3 });

        Assert.Equal(RequestIds.Select(first.ShouldEvaluate), RequestIds.Select(second.ShouldEvaluate));
    }
}
