using Microsoft.Extensions.Options;
using Switchback.Core.OnlineEvaluators;
using Switchback.Gateway.OnlineEvaluators;
using Switchback.Gateway.Forwarding;
using Switchback.Gateway.Signals;

namespace Switchback.Gateway.Tests.OnlineEvaluators;

public sealed class EvaluationQueueTests
{
    [Fact]
    public void TryEnqueue_QueueFull_DropsAndCountsOnTheVersion()
    {
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(DateTimeOffset.UnixEpoch.AddDays(1));
        var signals = new SignalRegistry(time, new SignalOptions { CounterNames = EvaluationCounters.All });
        var queue = new EvaluationQueue(Options.Create(new EvaluationOptions { QueueCapacity = 2 }), signals);
        var evaluator = new ResponseEvaluator(EvaluatorOptions.Default);

        var accepted = Enumerable.Range(0, 5).Count(_ => queue.TryEnqueue(new EvaluationJob("svc", 3, evaluator, [], new ResponseObservation())));

        Assert.Equal(2, accepted);
        Assert.Equal(3, queue.Dropped);
        Assert.Equal(3, signals.Get("svc", 3).AggregateLast(TimeSpan.FromSeconds(5)).Counters[EvaluationCounters.EvaluatorDropped]);
    }

    [Fact]
    public void Validate_OutOfRange_NamesTheSetting()
    {
        Assert.Contains("workers", Assert.Throws<ArgumentException>(() => new EvaluationOptions { Workers = 0 }.Validate()).Message, StringComparison.Ordinal);
        Assert.Contains("capacity", Assert.Throws<ArgumentException>(() => new EvaluationOptions { QueueCapacity = 0 }.Validate()).Message, StringComparison.Ordinal);
        Assert.Contains("capture", Assert.Throws<ArgumentException>(() => new EvaluationOptions { CaptureLimitBytes = 10 }.Validate()).Message, StringComparison.Ordinal);
    }
}
