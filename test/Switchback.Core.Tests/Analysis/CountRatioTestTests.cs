using System.Collections.Immutable;
using System.Text.Json;
using Switchback.Core.Analysis;

namespace Switchback.Core.Tests.Analysis;

public sealed class CountRatioTestTests
{
    [Fact]
    public void Start_NoData_EValueIsOneAndPValueIsOne()
    {
        var test = new CountRatioTest();
        var state = test.Start();

        Assert.Equal(1.0, test.EValue(state), 12);
        var evidence = test.Evidence(state, 0.01);
        Assert.Equal(1.0, evidence.PValue);
        Assert.Equal(100.0, evidence.Threshold, 9);
        Assert.False(evidence.Breached);
    }

    [Fact]
    public void Update_CandidateErrorsWithSilentBaseline_BuildsEvidence()
    {
        // Kayenta's failure: a baseline with traffic but zero errors must not hide the candidate's errors.
        var test = new CountRatioTest();
        var state = test.Start();
        for (var i = 0; i < 10; i++)
        {
            state = test.Update(state, new ArmInterval(950, 0, 50, 3));
        }

        var evidence = test.Evidence(state, 0.01);
        Assert.True(evidence.Breached, $"e-value {evidence.EValue}");
        Assert.True(evidence.PValue < 0.01);
        Assert.Equal(new[] { 9500L, 0L, 500L, 30L }, new[] { evidence.BaselineRequests, evidence.BaselineEvents, evidence.CandidateRequests, evidence.CandidateEvents });
    }

    [Fact]
    public void Update_NoBaselineTraffic_CarriesNoEvidence()
    {
        var test = new CountRatioTest();
        var state = test.Update(test.Start(), new ArmInterval(0, 0, 1000, 500));

        Assert.Equal(1.0, test.EValue(state), 12);
        Assert.Equal(500, state.CandidateEvents);
    }

    [Theory]
    [InlineData(0, 0, 0, 0)]
    [InlineData(1000, 0, 0, 0)]
    [InlineData(1000, 30, 0, 0)]
    [InlineData(0, 0, 1000, 0)]
    [InlineData(1000, 0, 1000, 0)]
    public void Update_IdleArmOrNoEvents_LeavesEValueAtOne(long baselineRequests, long baselineEvents, long candidateRequests, long candidateEvents)
    {
        var test = new CountRatioTest();
        var state = test.Update(test.Start(), new ArmInterval(baselineRequests, baselineEvents, candidateRequests, candidateEvents));

        Assert.Equal(1.0, test.EValue(state), 12);
        Assert.All(state.LogMixtureTerms, t => Assert.True(double.IsFinite(t)));
    }

    [Fact]
    public void Update_CandidateNoWorse_EValueFalls()
    {
        var test = new CountRatioTest();
        var state = test.Update(test.Start(), new ArmInterval(9000, 90, 1000, 5));

        Assert.True(test.EValue(state) < 0.5);
    }

    [Fact]
    public void Update_MaxRatioAllowsTheObservedRatio_DoesNotReject()
    {
        // The candidate is exactly 1.5× worse; a guardrail with max_ratio 2 accepts that, max_ratio 1 does not.
        var lenient = new CountRatioTest(2.0);
        var strict = new CountRatioTest(1.0);
        var interval = new ArmInterval(50_000, 500, 50_000, 750);

        Assert.False(lenient.Rejects(lenient.Update(lenient.Start(), interval), 0.01));
        Assert.True(strict.Rejects(strict.Update(strict.Start(), interval), 0.01));
    }

    [Fact]
    public void Update_HugeCounts_StaysFinite()
    {
        var test = new CountRatioTest();
        var worse = test.Start();
        var better = test.Start();
        for (var i = 0; i < 1000; i++)
        {
            worse = test.Update(worse, new ArmInterval(1_000_000_000, 10_000_000, 1_000_000_000, 50_000_000));
            better = test.Update(better, new ArmInterval(1_000_000_000, 50_000_000, 1_000_000_000, 10_000_000));
        }

        Assert.Equal(double.MaxValue, test.EValue(worse));
        Assert.True(double.IsFinite(test.LogEValue(worse)));
        Assert.True(test.Rejects(worse, 0.01));
        Assert.Equal(0.0, test.EValue(better));
        Assert.True(double.IsFinite(test.LogEValue(better)));
        Assert.Equal(0.0, test.Evidence(worse, 0.01).PValue);
    }

    [Theory]
    [InlineData(1, 0, 999_999_999, 0)]
    [InlineData(999_999_999, 10, 1, 1)]
    public void Update_ExtremeSplit_StaysFinite(long baselineRequests, long baselineEvents, long candidateRequests, long candidateEvents)
    {
        var test = new CountRatioTest(1.25);
        var state = test.Update(test.Start(), new ArmInterval(baselineRequests, baselineEvents, candidateRequests, candidateEvents));

        Assert.All(state.LogMixtureTerms, t => Assert.True(double.IsFinite(t)));
        Assert.False(double.IsNaN(test.EValue(state)));
    }

    [Fact]
    public void Update_IsPure_InputStateUnchanged()
    {
        var test = new CountRatioTest();
        var start = test.Start();
        var before = start.LogMixtureTerms.ToArray();

        var next = test.Update(start, new ArmInterval(100, 1, 100, 9));

        Assert.Equal(before, start.LogMixtureTerms.ToArray());
        Assert.NotEqual(before, next.LogMixtureTerms.ToArray());
        Assert.Equal(1, next.Intervals);
    }

    [Fact]
    public void Evidence_AfterEValueFalls_KeepsTheSmallestPValue()
    {
        var test = new CountRatioTest();
        var state = test.Update(test.Start(), new ArmInterval(1000, 1, 1000, 8));
        var peak = test.EValue(state);
        state = test.Update(state, new ArmInterval(100_000, 1000, 100_000, 900));

        var evidence = test.Evidence(state, 0.05);
        Assert.True(evidence.EValue < peak);
        Assert.Equal(1 / peak, evidence.PValue, 9);
    }

    [Fact]
    public void State_JsonRoundTrip_ContinuesIdentically()
    {
        var test = new CountRatioTest(1.25);
        var state = test.Update(test.Start(), new ArmInterval(1000, 10, 50, 3));

        var json = JsonSerializer.Serialize(state);
        var restored = JsonSerializer.Deserialize<CountTestState>(json)!;

        Assert.Equal(state.LogMixtureTerms.ToArray(), restored.LogMixtureTerms.ToArray());
        Assert.Equal((state.BaselineRequests, state.BaselineEvents, state.CandidateRequests, state.CandidateEvents, state.MaxLogEValue, state.Intervals),
            (restored.BaselineRequests, restored.BaselineEvents, restored.CandidateRequests, restored.CandidateEvents, restored.MaxLogEValue, restored.Intervals));
        var interval = new ArmInterval(2000, 15, 100, 4);
        Assert.Equal(test.EValue(test.Update(state, interval)), test.EValue(test.Update(restored, interval)));
    }

    [Fact]
    public void Evidence_Json_SerialisesEvenWhenOverwhelming()
    {
        var test = new CountRatioTest();
        var state = test.Update(test.Start(), new ArmInterval(1_000_000, 0, 1_000_000, 100_000));

        var json = JsonSerializer.Serialize(test.Evidence(state, 0.01));

        Assert.Contains("\"EValue\":1.7976931348623157E+308", json, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(-1, 0, 10, 0, "0 or more")]
    [InlineData(10, -1, 10, 0, "0 or more")]
    [InlineData(10, 0, -5, 0, "0 or more")]
    [InlineData(0, 3, 10, 0, "baseline has 3 events but served no request")]
    [InlineData(10, 0, 0, 2, "candidate has 2 events but served no request")]
    public void Update_MalformedInterval_ThrowsAndNamesTheProblem(long baselineRequests, long baselineEvents, long candidateRequests, long candidateEvents, string expected)
    {
        var test = new CountRatioTest();

        var error = Assert.Throws<ArgumentException>(() => test.Update(test.Start(), new ArmInterval(baselineRequests, baselineEvents, candidateRequests, candidateEvents)));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Update_StateFromAnotherGrid_Throws()
    {
        var other = new CountRatioTest(options: new CountTestOptions { GridSize = 4 }).Start();

        var error = Assert.Throws<ArgumentException>(() => new CountRatioTest().Update(other, new ArmInterval(1, 0, 1, 0)));

        Assert.Contains("grid has 8", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Update_CorruptState_Throws()
    {
        var test = new CountRatioTest();
        var corrupt = test.Start() with { LogMixtureTerms = Enumerable.Repeat(double.NaN, 8).ToImmutableArray() };

        Assert.Throws<ArgumentException>(() => test.Update(corrupt, new ArmInterval(1, 0, 1, 0)));
        Assert.Throws<ArgumentException>(() => test.EValue(test.Start() with { LogMixtureTerms = default }));
        Assert.Throws<ArgumentException>(() => test.EValue(test.Start() with { CandidateEvents = -1 }));
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(-1.0)]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    [InlineData(5000.0)]
    public void Constructor_InvalidMaxRatio_Throws(double maxRatio)
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new CountRatioTest(maxRatio));

        Assert.Contains("max_ratio", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(1.0, 16, 16, "smallest effect")]
    [InlineData(double.NaN, 16, 16, "smallest effect")]
    [InlineData(2.0, 1.5, 16, "largest effect")]
    [InlineData(1.1, 16, 0, "grid size")]
    [InlineData(1.1, 16, 1, "grid of one ratio")]
    public void Options_OutOfRange_ValidateThrows(double smallest, double largest, int grid, string expected)
    {
        var options = new CountTestOptions { SmallestEffect = smallest, LargestEffect = largest, GridSize = grid };

        var error = Assert.Throws<ArgumentException>(options.Validate);
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => new CountRatioTest(1, options));
    }

    [Fact]
    public void Options_Default_IsAGeometricGridAboveOne()
    {
        var effects = CountTestOptions.Default.Effects();

        Assert.Equal(8, effects.Length);
        Assert.Equal(1.25, effects[0], 12);
        Assert.Equal(8, effects[^1], 9);
        Assert.Equal(effects[1] / effects[0], effects[7] / effects[6], 9);
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(1.0)]
    [InlineData(double.NaN)]
    public void Evidence_InvalidAlpha_Throws(double alpha)
    {
        var test = new CountRatioTest();

        Assert.Throws<ArgumentOutOfRangeException>(() => test.Evidence(test.Start(), alpha));
        Assert.Throws<ArgumentOutOfRangeException>(() => test.Rejects(test.Start(), alpha));
    }
}
