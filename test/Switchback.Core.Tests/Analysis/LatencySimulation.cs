using Switchback.Core.Analysis;

namespace Switchback.Core.Tests.Analysis;

/// <summary>
/// Continuous monitoring of a latency guardrail on log-normal latencies: each second, T is the baseline quantile
/// from a 1 %-accurate histogram of baseline latencies before that second (refreshed every 10 s), and the counts
/// of latencies over T (candidate's divided by max_ratio) go to the count test with ratio 1.
/// </summary>
internal sealed record LatencySimulation(double Rps, double Weight, double Quantile, double MaxRatio, Func<double, double> CandidateLatency, int Seconds)
{
    private const double BaselineMedianMs = 400;
    private const double Sigma = 0.5;

    public int?[] FirstRejections(int runs, int seed, double alpha)
    {
        var result = new int?[runs];
        Parallel.For(0, runs, new ParallelOptions { MaxDegreeOfParallelism = 2 }, run =>
        {
            var rng = new Random(seed + run);
            var test = new CountRatioTest();
            var state = test.Start();
            var history = new LogHistogram();
            var threshold = double.NaN;
            for (var second = 0; second < Seconds; second++)
            {
                if (second % 10 == 0 && history.Count >= 200)
                {
                    threshold = history.Quantile(Quantile);
                }

                var baselineRequests = Draw.Poisson(rng, Rps * (1 - Weight));
                var candidateRequests = Draw.Poisson(rng, Rps * Weight);
                long baselineEvents = 0, candidateEvents = 0;
                for (var i = 0; i < baselineRequests; i++)
                {
                    var latency = Draw.LogNormal(rng, BaselineMedianMs, Sigma);
                    history.Add(latency);
                    baselineEvents += LatencyThreshold.BaselineExceeds(latency, threshold) ? 1 : 0;
                }

                for (var i = 0; i < candidateRequests; i++)
                {
                    var latency = CandidateLatency(Draw.LogNormal(rng, BaselineMedianMs, Sigma));
                    candidateEvents += LatencyThreshold.CandidateExceeds(latency, threshold, MaxRatio) ? 1 : 0;
                }

                if (double.IsNaN(threshold))
                {
                    continue;
                }

                state = test.Update(state, new ArmInterval(baselineRequests, baselineEvents, candidateRequests, candidateEvents));
                if (test.Rejects(state, alpha))
                {
                    result[run] = second + 1;
                    return;
                }
            }
        });
        return result;
    }
}
