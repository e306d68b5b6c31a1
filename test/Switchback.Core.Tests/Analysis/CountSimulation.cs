using Switchback.Core.Analysis;

namespace Switchback.Core.Tests.Analysis;

/// <summary>
/// Continuous monitoring of an error-rate guardrail: one decision every simulated second, requests split at random
/// by the canary weight in force that second, errors per request with each arm's rate.
/// </summary>
internal sealed record CountSimulation(double Rps, double BaselineRate, double CandidateRate, int Seconds, Func<int, double> WeightAt)
{
    /// <summary>For each run, the first second at which the monitor said yes, or null.</summary>
    public int?[] FirstRejections(int runs, int seed, Func<IMonitor> monitor)
    {
        var result = new int?[runs];
        Parallel.For(0, runs, new ParallelOptions { MaxDegreeOfParallelism = 2 }, run =>
        {
            var rng = new Random(seed + run);
            var m = monitor();
            for (var second = 0; second < Seconds; second++)
            {
                var w = WeightAt(second);
                var candidateRequests = Draw.Poisson(rng, Rps * w);
                var baselineRequests = Draw.Poisson(rng, Rps * (1 - w));
                var interval = new ArmInterval(baselineRequests, Draw.Binomial(rng, baselineRequests, BaselineRate),
                    candidateRequests, Draw.Binomial(rng, candidateRequests, CandidateRate));
                if (m.Observe(interval))
                {
                    result[run] = second + 1;
                    return;
                }
            }
        });
        return result;
    }
}

/// <summary>One way to decide, second by second, whether to roll back.</summary>
internal interface IMonitor
{
    bool Observe(ArmInterval interval);
}

/// <summary>Switchback's count e-process at a fixed alpha.</summary>
internal sealed class EProcessMonitor(double alpha, double maxRatio = 1.0) : IMonitor
{
    private readonly CountRatioTest _test = new(maxRatio);
    private CountTestState? _state;

    public bool Observe(ArmInterval interval)
    {
        _state = _test.Update(_state ?? _test.Start(), interval);
        return _test.Rejects(_state, alpha);
    }
}

/// <summary>The naive way: a one-sided two-proportion z-test on the cumulative counts, re-run at every look.</summary>
internal sealed class PeekingZTestMonitor(double alpha) : IMonitor
{
    private long _bn, _be, _cn, _ce;

    public bool Observe(ArmInterval interval)
    {
        _bn += interval.BaselineRequests;
        _be += interval.BaselineEvents;
        _cn += interval.CandidateRequests;
        _ce += interval.CandidateEvents;
        if (_bn == 0 || _cn == 0 || _be + _ce < 10)
        {
            return false;
        }

        var pooled = (double)(_be + _ce) / (_bn + _cn);
        var se = Math.Sqrt(pooled * (1 - pooled) * ((1.0 / _bn) + (1.0 / _cn)));
        var z = (((double)_ce / _cn) - ((double)_be / _bn)) / se;
        return z > ZQuantile(1 - alpha);
    }

    private static double ZQuantile(double p) => p switch
    {
        0.95 => 1.6448536,
        0.99 => 2.3263479,
        _ => throw new ArgumentOutOfRangeException(nameof(p)),
    };
}
