using System.Collections.Immutable;

namespace Switchback.Core.Analysis;

/// <summary>
/// Anytime-valid test that the candidate's per-request event rate is at most <see cref="MaxRatio"/> times the
/// baseline's, for counts under a traffic split that may change between intervals (after Lindon &amp; Malek,
/// <i>Anytime-Valid Inference for Multinomial Count Data</i>, NeurIPS 2022). Conditioning on the events of an interval,
/// each is the candidate's with probability q = ρs / (ρs + 1 − s), s the candidate's share of the interval's requests;
/// the e-value is a mixture over ratios ρ &gt; <see cref="MaxRatio"/> of the running likelihood ratios against
/// ρ₀ = <see cref="MaxRatio"/>. It is a supermartingale under the null, so rejecting at e ≥ 1/α holds the
/// false-rejection chance to α however often it is checked (Ville). Proof in docs/statistics.md.
/// Immutable and thread-safe: the state lives in <see cref="CountTestState"/> values.
/// </summary>
public sealed class CountRatioTest
{
    private readonly double[] _ratios;
    private readonly double[] _logRatioStep;
    private readonly double _logPriorWeight;

    /// <summary>Creates the test of "candidate rate ≤ <paramref name="maxRatio"/> × baseline rate".</summary>
    /// <param name="maxRatio">ρ₀, the largest ratio that is not a regression; finite, in [0.01, 1000]. Default 1.</param>
    /// <param name="options">The mixture prior; <see cref="CountTestOptions.Default"/> when null.</param>
    public CountRatioTest(double maxRatio = 1.0, CountTestOptions? options = null)
    {
        if (!(maxRatio >= 0.01 && maxRatio <= 1000))
        {
            throw new ArgumentOutOfRangeException(nameof(maxRatio), maxRatio, "max_ratio must be a number from 0.01 to 1000");
        }

        Options = options ?? CountTestOptions.Default;
        var effects = Options.Effects();
        MaxRatio = maxRatio;
        _ratios = effects.Select(e => e * maxRatio).ToArray();
        _logRatioStep = effects.Select(Math.Log).ToArray();
        _logPriorWeight = -Math.Log(_ratios.Length);
    }

    /// <summary>
    /// The mirror test, for showing no harm: H₀ "the candidate's rate is at least <paramref name="harmRatio"/> times the
    /// baseline's" against alternatives at <paramref name="harmRatio"/> divided by the effects (1.25 … 8 by default). Each
    /// likelihood ratio then falls with the candidate's events, so under H₀ its expectation is at most 1 and the mixture is a
    /// test supermartingale as in the forward test: crossing 1/α shows, with error at most α, that the candidate is worse by
    /// less than <paramref name="harmRatio"/> (docs/statistics.md, "Promotion that means something").
    /// </summary>
    public static CountRatioTest NoHarm(double harmRatio, CountTestOptions? options = null)
    {
        var test = new CountRatioTest(harmRatio, options);
        for (var k = 0; k < test._ratios.Length; k++)
        {
            test._ratios[k] = harmRatio / (test._ratios[k] / harmRatio);
            test._logRatioStep[k] = -test._logRatioStep[k];
        }

        return test;
    }

    /// <summary>ρ₀: the candidate/baseline rate ratio that is still acceptable.</summary>
    public double MaxRatio { get; }

    /// <summary>The mixture prior in use.</summary>
    public CountTestOptions Options { get; }

    /// <summary>The state before any data: every term holds its prior weight, so the e-value is 1.</summary>
    public CountTestState Start() =>
        new(Enumerable.Repeat(_logPriorWeight, _ratios.Length).ToImmutableArray(), 0, 0, 0, 0);

    /// <summary>The state after one more interval; <paramref name="state"/> is not changed.</summary>
    /// <exception cref="ArgumentException">The interval has negative counts or events without requests, or the state is not this test's.</exception>
    public CountTestState Update(CountTestState state, ArmInterval interval)
    {
        CheckState(state);
        interval.Validate();

        var terms = state.LogMixtureTerms;
        var total = interval.BaselineRequests + interval.CandidateRequests;
        var events = interval.BaselineEvents + interval.CandidateEvents;

        // With one arm idle every event is that arm's whatever ρ is: the interval carries no evidence.
        if (interval.BaselineRequests > 0 && interval.CandidateRequests > 0 && events > 0)
        {
            var s = (double)interval.CandidateRequests / total;
            var logNullDenominator = Math.Log((MaxRatio * s) + (1 - s));
            var builder = ImmutableArray.CreateBuilder<double>(terms.Length);
            for (var k = 0; k < _ratios.Length; k++)
            {
                // log LR = c·log(ρ/ρ₀) + (b + c)·log((ρ₀s + 1 − s) / (ρs + 1 − s)); no log(1 − s), so s near 1 is safe.
                var perEvent = logNullDenominator - Math.Log((_ratios[k] * s) + (1 - s));
                builder.Add(terms[k] + (interval.CandidateEvents * _logRatioStep[k]) + (events * perEvent));
            }

            terms = builder.MoveToImmutable();
        }

        var logE = LogMath.LogSumExp(terms.AsSpan());
        return new CountTestState(terms,
            checked(state.BaselineRequests + interval.BaselineRequests),
            checked(state.BaselineEvents + interval.BaselineEvents),
            checked(state.CandidateRequests + interval.CandidateRequests),
            checked(state.CandidateEvents + interval.CandidateEvents))
        {
            MaxLogEValue = Math.Max(state.MaxLogEValue, logE),
            Intervals = state.Intervals + 1,
        };
    }

    /// <summary>The natural log of the e-value; finite for any state this test produced.</summary>
    public double LogEValue(CountTestState state)
    {
        CheckState(state);
        return LogMath.LogSumExp(state.LogMixtureTerms.AsSpan());
    }

    /// <summary>The e-value: the mixture likelihood ratio against the null, 1 at the start (held finite).</summary>
    public double EValue(CountTestState state) => LogMath.ExpFinite(LogEValue(state));

    /// <summary>Whether the guardrail tested at <paramref name="alpha"/> is breached: e-value ≥ 1/α.</summary>
    public bool Rejects(CountTestState state, double alpha) => LogEValue(state) >= -Math.Log(CheckAlpha(alpha));

    /// <summary>The evidence to store with a decision taken at <paramref name="alpha"/> (this guardrail's share).</summary>
    public TestEvidence Evidence(CountTestState state, double alpha)
    {
        CheckState(state);
        return EvidenceOf(state, alpha);
    }

    /// <summary>
    /// The evidence of any mixture e-process kept in a <see cref="CountTestState"/> (this test, its mirror, or a
    /// <see cref="RateLimitTest"/>): its counts, the e-value, the threshold 1/α and the anytime p-value 1 / max e so far.
    /// </summary>
    internal static TestEvidence EvidenceOf(CountTestState state, double alpha)
    {
        CheckAlpha(alpha);
        var logE = LogMath.LogSumExp(state.LogMixtureTerms.AsSpan());
        var pValue = Math.Min(1, Math.Exp(-Math.Max(state.MaxLogEValue, logE)));
        return new TestEvidence(state.BaselineRequests, state.BaselineEvents, state.CandidateRequests, state.CandidateEvents,
            LogMath.ExpFinite(logE), 1 / alpha, pValue, alpha);
    }

    private static double CheckAlpha(double alpha) =>
        alpha > 0 && alpha < 1 ? alpha : throw new ArgumentOutOfRangeException(nameof(alpha), alpha, "alpha must be between 0 and 1 (e.g. 0.01)");

    private void CheckState(CountTestState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        if (state.LogMixtureTerms.IsDefault || state.LogMixtureTerms.Length != _ratios.Length)
        {
            throw new ArgumentException(
                $"the state has {(state.LogMixtureTerms.IsDefault ? 0 : state.LogMixtureTerms.Length)} mixture terms but this test's grid has {_ratios.Length}: it was started by a test with other options",
                nameof(state));
        }

        foreach (var term in state.LogMixtureTerms)
        {
            if (double.IsNaN(term) || double.IsPositiveInfinity(term))
            {
                throw new ArgumentException($"the state holds an invalid mixture term ({term})", nameof(state));
            }
        }

        if (state.BaselineRequests < 0 || state.BaselineEvents < 0 || state.CandidateRequests < 0 || state.CandidateEvents < 0)
        {
            throw new ArgumentException("the state holds negative counts", nameof(state));
        }
    }
}
