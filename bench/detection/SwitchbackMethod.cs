using Switchback.Core.Analysis;

namespace Switchback.Bench.Detection;

/// <summary>
/// Switchback: one count e-process per comparative guardrail for the whole run, decided every second, each at
/// alpha / k (<see cref="AlphaSplit"/>). Latency guardrails count exceedances of the baseline quantile computed
/// from baseline data up to the previous refresh (every 10 s) — predictable — with <see cref="LatencyThreshold"/>.
/// </summary>
internal sealed class SwitchbackMethod : IMethod
{
    private const int RefreshSeconds = 10;
    private const long MinBaselineSamples = 100;
    private readonly double _alphaEach;
    private readonly CountRatioTest _test;
    private readonly double[] _quantiles;
    private readonly double[] _thresholds;
    private readonly CountTestState[] _latencyStates;
    private CountTestState _errorState;

    public SwitchbackMethod(double alpha, CountTestOptions options, params string[] latencySignals)
    {
        _alphaEach = AlphaSplit.PerGuardrail(alpha, 1 + latencySignals.Length);
        _test = new CountRatioTest(1.0, options);
        _errorState = _test.Start();
        _quantiles = latencySignals.Select(LatencyThreshold.QuantileFor).ToArray();
        _thresholds = _quantiles.Select(_ => double.NaN).ToArray();
        _latencyStates = _quantiles.Select(_ => _test.Start()).ToArray();
    }

    public bool Observe(Second second, World world)
    {
        _errorState = _test.Update(_errorState, new ArmInterval(second.BaselineRequests, second.BaselineErrors, second.CandidateRequests, second.CandidateErrors));
        var breached = _test.Rejects(_errorState, _alphaEach);
        for (var g = 0; g < _quantiles.Length; g++)
        {
            var t = _thresholds[g];
            if (double.IsNaN(t))
            {
                continue;
            }

            long baselineEvents = 0, candidateEvents = 0;
            for (var i = 0; i < second.BaselineRequests; i++)
            {
                baselineEvents += LatencyThreshold.BaselineExceeds(second.BaselineLatencies[i], t) ? 1 : 0;
            }

            for (var i = 0; i < second.CandidateRequests; i++)
            {
                candidateEvents += LatencyThreshold.CandidateExceeds(second.CandidateLatencies[i], t, 1.0) ? 1 : 0;
            }

            _latencyStates[g] = _test.Update(_latencyStates[g], new ArmInterval(second.BaselineRequests, baselineEvents, second.CandidateRequests, candidateEvents));
            breached |= _test.Rejects(_latencyStates[g], _alphaEach);
        }

        // The threshold for the next seconds comes from data up to now: fixed before those seconds' data exist.
        if ((second.Index + 1) % RefreshSeconds == 0 && world.Baseline.Count >= MinBaselineSamples)
        {
            for (var g = 0; g < _quantiles.Length; g++)
            {
                _thresholds[g] = world.Baseline.Quantile(_quantiles[g]);
            }
        }

        return breached;
    }
}
