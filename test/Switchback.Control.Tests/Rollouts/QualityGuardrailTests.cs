using Microsoft.Extensions.DependencyInjection;
using Switchback.Core.Rollouts;
using Switchback.Gateway.OnlineEvaluators;
using Switchback.Gateway.Signals;

namespace Switchback.Control.Tests.Rollouts;

/// <summary>The observer's mapping of evaluator, feedback and shadow signals, end to end through the controller on a fake clock.</summary>
public sealed class QualityGuardrailTests
{
    private const string Steps = """
        steps:
          - canary: { weight: 10, duration: 20s, min_requests: 20 }
          - canary: { weight: 100 }
        """;

    private const string Operational = """
          - { signal: error_rate, compare: baseline, severity: hard }
          - { signal: latency_p95, compare: baseline, max_ratio: 1.5, severity: hard }
        """;

    [Fact]
    public async Task Tick_SilentRegressionGuardedByErrorsAndLatencyOnly_Promoted()
    {
        var done = await RunAsync(Steps + "\nguardrails:\n" + Operational, SilentRegression);

        Assert.Equal(RolloutPhase.Promoted, done.Phase);
    }

    [Fact]
    public async Task Tick_SilentRegressionWithRefusalGuardrail_RolledBackNamingRefusalRate()
    {
        var done = await RunAsync(Steps + "\nguardrails:\n" + Operational + "\n  - { signal: refusal_rate, compare: baseline, severity: hard }\n", SilentRegression);

        Assert.Equal((RolloutPhase.RolledBack, PhaseReason.HardBreach), (done.Phase, done.Reason));
        var evidence = Assert.Single(done.History[^1].Evidence);
        Assert.StartsWith("refusal_rate", evidence.Guardrail, StringComparison.Ordinal);
        Assert.Equal(0, evidence.Test!.BaselineEvents);
        Assert.True(evidence.Test.CandidateEvents > 0);
    }

    [Fact]
    public async Task Tick_OneSafetyViolationOverMaxZero_RolledBackAtOnce()
    {
        var second = 0;
        var done = await RunAsync(Steps + "\nguardrails:\n  - { signal: safety_violations, max: 0, severity: hard }\n", (h, s) =>
        {
            second = s;
            Evaluated(h, 1, 20);
            Evaluated(h, 2, 3, violations: s == 2 ? 1 : 0);
        });

        Assert.Equal(RolloutPhase.RolledBack, done.Phase);
        Assert.Equal(2, second);
        Assert.StartsWith("safety_violations", Assert.Single(done.History[^1].Evidence).Guardrail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Tick_JsonInvalidOnlyAmongJsonResponses_RolledBack()
    {
        var done = await RunAsync(Steps + "\nguardrails:\n  - { signal: json_invalid_rate, compare: baseline, severity: hard }\n", (h, _) =>
        {
            Evaluated(h, 1, 20, jsonChecked: 10);
            Evaluated(h, 2, 3, jsonChecked: 2, jsonInvalid: 1);
        });

        Assert.Equal(RolloutPhase.RolledBack, done.Phase);
        Assert.StartsWith("json_invalid_rate", Assert.Single(done.History[^1].Evidence).Guardrail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Tick_ThumbsDownOnCandidate_SoftGuardrailPauses()
    {
        var done = await RunAsync(Steps + "\nguardrails:\n  - { signal: thumbs_down_rate, compare: baseline, severity: soft }\n", (h, _) =>
        {
            h.Serve(1, ok: 20);
            h.Serve(2, ok: 3);
            Feedback(h, 1, up: 10, down: 0);
            Feedback(h, 2, up: 0, down: 3);
        });

        Assert.Equal((RolloutPhase.Paused, PhaseReason.SoftBreach), (done.Phase, done.Reason));
        Assert.StartsWith("thumbs_down_rate", done.History[^1].Evidence[0].Guardrail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Tick_CandidateAnswersThreeTimesLonger_ResponseLengthSoftGuardrailPauses()
    {
        var done = await RunAsync(Steps + "\nguardrails:\n  - { signal: response_length, compare: baseline, max_ratio: 1.5, severity: soft }\n", (h, _) =>
        {
            h.Serve(1, ok: 20);
            h.Serve(2, ok: 3);
            Evaluated(h, 1, 20, length: 200);
            Evaluated(h, 2, 3, length: 600);
        });

        Assert.Equal((RolloutPhase.Paused, PhaseReason.SoftBreach), (done.Phase, done.Reason));
        Assert.StartsWith("response_length", done.History[^1].Evidence[0].Guardrail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Tick_CandidateOfTheSameLength_ResponseLengthGuardrailPromotes()
    {
        var done = await RunAsync(Steps + "\nguardrails:\n  - { signal: response_length, compare: baseline, max_ratio: 1.5, severity: soft }\n", (h, _) =>
        {
            h.Serve(1, ok: 20);
            h.Serve(2, ok: 3);
            Evaluated(h, 1, 20, length: 200);
            Evaluated(h, 2, 3, length: 220);
        });

        Assert.Equal(RolloutPhase.Promoted, done.Phase);
    }

    [Theory]
    [InlineData(0.3, RolloutPhase.RolledBack)]
    [InlineData(0.95, RolloutPhase.Completed)]
    public async Task Tick_ShadowAgreementBelowMin_RolledBack(double similarity, RolloutPhase expected)
    {
        var spec = "strategy: shadow\nduration: 10s\nmin_requests: 20\nguardrails:\n  - { signal: shadow_agreement, min: 0.8, severity: hard }\n";
        var done = await RunAsync(spec, (h, _) =>
        {
            h.Serve(1, ok: 10);
            h.Serve(2, ok: 10);
            var shadow = h.Signals.Get(ControllerHarness.Deployment, 2);
            GatewayCounters.Add(shadow, GatewayCounters.ShadowCompared, 10);
            GatewayCounters.Add(shadow, GatewayCounters.ShadowAgreementMicros, (long)(similarity * 10 * 1_000_000));
        });

        Assert.Equal(expected, done.Phase);
        if (expected == RolloutPhase.RolledBack)
        {
            var evidence = Assert.Single(done.History[^1].Evidence);
            Assert.StartsWith("shadow_agreement", evidence.Guardrail, StringComparison.Ordinal);
        }
    }

    /// <summary>What upstream-sim's silent-regression profile does: fast, 200 OK, but 30 % of answers refusals or worse.</summary>
    private static void SilentRegression(ControllerHarness h, int second)
    {
        h.Serve(1, ok: 20);
        h.Serve(2, ok: 3);
        Evaluated(h, 1, 20);
        Evaluated(h, 2, 3, refusals: second % 3 == 0 ? 1 : 0);
    }

    private static async Task<RolloutState> RunAsync(string spec, Action<ControllerHarness, int> serve)
    {
        await using var h = new ControllerHarness();
        await h.InitializeAsync();
        await h.StartAsync(ControllerHarness.Spec(spec));
        for (var s = 0; s < 60; s++)
        {
            var state = await h.LatestAsync();
            if (state.IsFinished || state.Phase == RolloutPhase.Paused)
            {
                return state;
            }

            serve(h, s);
            await h.SecondAsync();
        }

        return await h.LatestAsync();
    }

    /// <summary>Evaluated answers of requests without a key, recorded as the evaluation workers do (counters, lengths and units).</summary>
    private static void Evaluated(ControllerHarness h, int version, int responses, int violations = 0, int refusals = 0, int jsonChecked = 0, int jsonInvalid = 0, int length = 100)
    {
        var recorder = h.Services.GetRequiredService<EvaluationRecorder>();
        for (var i = 0; i < responses; i++)
        {
            var result = new Core.OnlineEvaluators.EvaluationResult
            {
                SafetyDetectors = i < violations ? ["deny_pattern"] : [],
                Refusal = i < refusals,
                JsonInvalid = i < jsonChecked ? i < jsonInvalid : null,
                ResponseLength = length + (i % 5),
            };
            recorder.Record(ControllerHarness.Deployment, version, result, h.Ticket(version, keyHash: 0));
        }
    }

    /// <summary>Votes on requests without a key, recorded as the feedback endpoint does (counters and, during a canary, units).</summary>
    private static void Feedback(ControllerHarness h, int version, int up, int down)
    {
        var feedback = h.Services.GetRequiredService<FeedbackRecorder>();
        for (var i = 0; i < up + down; i++)
        {
            feedback.Record(ControllerHarness.Deployment, version, i < up ? 1 : -1, escalated: false, signedUnit: null);
        }
    }
}
