using System.Collections.Immutable;

namespace Switchback.Core.Analysis;

/// <summary>
/// An anytime-valid one-sample test of a rate against a stated limit p₀ (a <c>max:</c> rate rule): H₀ "each trial is an event
/// with probability at most p₀, whatever came before". The e-process is a fixed mixture, with equal weights, of likelihood
/// ratios Π (pₖ/p₀)^x ((1−pₖ)/(1−p₀))^(1−x) for alternatives pₖ above p₀ whose odds are p₀'s odds times the effects of
/// <see cref="CountTestOptions"/> (1.25 to 8 by default). Each factor is increasing in x, so under any event probability
/// p ≤ p₀ its expectation is at most 1: the mixture is a test supermartingale for the whole composite null, and by Ville's
/// inequality it reaches 1/α with probability at most α however often it is looked at (docs/statistics.md, section 3b).
/// A limit of 0 has no likelihood ratio: one event refutes it outright, so rules with <c>max: 0</c> do not use this test.
/// </summary>
public sealed class RateLimitTest
{
    private readonly double[] _logEventRatio;
    private readonly double[] _logMissRatio;
    private readonly double _logPriorWeight;

    /// <summary>A test of the limit <paramref name="limit"/> (above 0, below 1).</summary>
    public RateLimitTest(double limit, CountTestOptions? options = null)
    {
        if (!(limit > 0 && limit < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(limit), limit, "a rate limit for the sequential test must be above 0 and below 1");
        }

        Limit = limit;
        var effects = (options ?? CountTestOptions.Default).Effects();
        var odds = limit / (1 - limit);
        _logEventRatio = new double[effects.Length];
        _logMissRatio = new double[effects.Length];
        for (var k = 0; k < effects.Length; k++)
        {
            var p = odds * effects[k] / (1 + (odds * effects[k]));
            _logEventRatio[k] = Math.Log(p / limit);
            _logMissRatio[k] = Math.Log((1 - p) / (1 - limit));
        }

        _logPriorWeight = -Math.Log(effects.Length);
    }

    /// <summary>The stated limit p₀.</summary>
    public double Limit { get; }

    /// <summary>The state before any trial: e-value 1. Counts live in the candidate fields of <see cref="CountTestState"/>.</summary>
    public CountTestState Start() => new(Enumerable.Repeat(_logPriorWeight, _logEventRatio.Length).ToImmutableArray(), 0, 0, 0, 0);

    /// <summary>Folds in <paramref name="events"/> events out of <paramref name="trials"/> trials.</summary>
    public CountTestState Update(CountTestState state, long events, long trials)
    {
        ArgumentNullException.ThrowIfNull(state);
        if (state.LogMixtureTerms.IsDefault || state.LogMixtureTerms.Length != _logEventRatio.Length)
        {
            throw new ArgumentException("the state was started by a test with another grid", nameof(state));
        }

        if (events < 0 || trials < 0 || events > trials)
        {
            throw new ArgumentOutOfRangeException(nameof(events), $"{events} events out of {trials} trials is not a count");
        }

        if (trials == 0)
        {
            return state;
        }

        var builder = ImmutableArray.CreateBuilder<double>(_logEventRatio.Length);
        for (var k = 0; k < _logEventRatio.Length; k++)
        {
            builder.Add(state.LogMixtureTerms[k] + (events * _logEventRatio[k]) + ((trials - events) * _logMissRatio[k]));
        }

        var terms = builder.MoveToImmutable();
        var logE = LogMath.LogSumExp(terms.AsSpan());
        return new CountTestState(terms, 0, 0, checked(state.CandidateRequests + trials), checked(state.CandidateEvents + events))
        {
            MaxLogEValue = Math.Max(state.MaxLogEValue, logE),
            Intervals = state.Intervals + 1,
        };
    }

    /// <summary>The e-value, its threshold 1/α and the anytime p-value (1 over the largest e-value so far).</summary>
    public TestEvidence Evidence(CountTestState state, double alpha)
    {
        ArgumentNullException.ThrowIfNull(state);
        return CountRatioTest.EvidenceOf(state, alpha);
    }
}
