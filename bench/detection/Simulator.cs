using Switchback.Core.Tests.Analysis;

namespace Switchback.Bench.Detection;

/// <summary>
/// Runs one seeded rollout of a cell, second by second for <see cref="Seconds"/>, feeding the same data to every
/// method (common random numbers make the comparison between methods sharper than independent runs would).
/// </summary>
internal static class Simulator
{
    public const int Seconds = 1800;

    /// <summary>For each method, the second after which it rolled back, or null when it never did.</summary>
    public static int?[] Run(Cell cell, int seed, IReadOnlyList<Func<IMethod>> methods)
    {
        var rng = new Random(seed);
        var world = new World();
        var second = new Second();
        var instances = methods.Select(m => m()).ToArray();
        var decided = new int?[instances.Length];
        var open = instances.Length;
        var scenario = cell.Scenario;
        for (var t = 0; t < Seconds && open > 0; t++)
        {
            second.Index = t;
            second.BaselineRequests = Math.Min(second.BaselineLatencies.Length, Draw.Poisson(rng, cell.Rps * (1 - cell.Weight)));
            second.CandidateRequests = Math.Min(second.CandidateLatencies.Length, Draw.Poisson(rng, cell.Rps * cell.Weight));
            second.BaselineErrors = Draw.Binomial(rng, second.BaselineRequests, Scenario.BaselineErrorRate);
            second.CandidateErrors = Draw.Binomial(rng, second.CandidateRequests, scenario.CandidateErrorRate);
            for (var i = 0; i < second.BaselineRequests; i++)
            {
                var ms = Draw.LogNormal(rng, Scenario.BaselineMedianMs, Scenario.Sigma);
                second.BaselineLatencies[i] = ms;
                world.Baseline.Add(Histogram.BucketOf(ms));
            }

            for (var i = 0; i < second.CandidateRequests; i++)
            {
                var ms = scenario.CandidateLatency(Draw.LogNormal(rng, Scenario.BaselineMedianMs, Scenario.Sigma));
                second.CandidateLatencies[i] = ms;
                world.Candidate.Add(Histogram.BucketOf(ms));
            }

            world.BaselineRequests += second.BaselineRequests;
            world.BaselineErrors += second.BaselineErrors;
            world.CandidateRequests += second.CandidateRequests;
            world.CandidateErrors += second.CandidateErrors;
            for (var m = 0; m < instances.Length; m++)
            {
                if (decided[m] is null && instances[m].Observe(second, world))
                {
                    decided[m] = t + 1;
                    open--;
                }
            }
        }

        return decided;
    }
}
