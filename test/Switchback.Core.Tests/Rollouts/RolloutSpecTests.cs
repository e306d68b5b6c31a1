using Switchback.Core.Rollouts;

namespace Switchback.Core.Tests.Rollouts;

public sealed class RolloutSpecTests
{
    private const string ProductExample = """
        kind: Rollout
        deployment: support-bot
        candidate: 8
        strategy: canary
        steps:
          - shadow: { duration: 10m, sample: 1.0, min_requests: 500 }
          - canary: { weight: 1, duration: 5m, min_requests: 200 }
          - canary: { weight: 5, duration: 10m }
          - pause: {}
          - canary: { weight: 50, duration: 10m }
          - canary: { weight: 100 }
        guardrails:
          - { signal: error_rate,        compare: baseline, severity: hard }
          - { signal: latency_p95,       compare: baseline, max_ratio: 1.25, severity: hard }
          - { signal: upstream_oom,      max: 0, severity: hard }
          - { signal: safety_violations, max: 0, severity: hard }
          - { signal: thumbs_down_rate,  compare: baseline, severity: soft }
        alpha: 0.01
        rollback_window: 24h
        alerts:
          - webhook: http://127.0.0.1:9100/hooks/oncall
        """;

    [Theory]
    [InlineData("unverified: true\nsteps:\n  - canary: { weight: 100 }\n", true, false)]
    [InlineData("strategy: blue-green\nbake: 10m\npreview: key\nunverified: true\n", true, false)]
    [InlineData("strategy: blue-green\nbake: 10m\npreview: key\nmin_requests: 50\n", false, true)]
    [InlineData("strategy: blue-green\nbake: 10m\n", false, true)]
    [InlineData("steps:\n  - canary: { weight: 100, duration: 10m, min_requests: 50 }\n", false, true)]
    [InlineData("steps:\n  - canary: { weight: 5, duration: 10m }\n  - canary: { weight: 100 }\n", false, true)]
    [InlineData("strategy: linear\nlinear: { step: 50, interval: 5m }\n", false, true)]
    [InlineData("strategy: shadow\nduration: 10m\n", false, true)]
    [InlineData("steps:\n  - pause: {}\n  - canary: { weight: 100 }\n", false, true)]
    public void Parse_PlanThatMeasuresOrSaysUnverified_Accepted(string body, bool unverified, bool measures)
    {
        var spec = SpecText.Valid(SpecText.Header + body);

        Assert.Equal((unverified, measures), (spec.Unverified, spec.Measures));
        Assert.Equal(unverified, RolloutJson.Deserialize(RolloutJson.Serialize(RolloutState.Create("r-1", spec, 7, 8, Rollouts.T0))).Spec.Unverified);
    }

    [Theory]
    [InlineData("promote_when: no_harm_shown\n", 0.2)]
    [InlineData("promote_when: no_harm_shown\nmargin: 0.05\n", 0.05)]
    [InlineData("", null)]
    public void Parse_PromoteWhen_SetsTheMargin(string lines, double? margin)
    {
        var spec = SpecText.Valid(SpecText.Header + lines + "steps:\n  - canary: { weight: 10, duration: 5m }\n  - canary: { weight: 100 }\nguardrails:\n  - { signal: error_rate, compare: baseline }\n");

        Assert.Equal(margin, spec.NoHarmMargin);
        Assert.Equal(0, spec.LastComparedStep);
        Assert.Equal(margin, RolloutJson.Deserialize(RolloutJson.Serialize(RolloutState.Create("r-1", spec, 7, 8, Rollouts.T0))).Spec.NoHarmMargin);
    }

    [Fact]
    public void Decide_UnverifiedPlan_PromotesSayingSo()
    {
        var started = Rollouts.Start("unverified: true\nsteps:\n  - canary: { weight: 100 }\n");

        var done = RolloutDecider.Decide(started, new RolloutObservation(Rollouts.T0), Rollouts.T0);

        Assert.Equal(RolloutPhase.Promoted, done.Next.Phase);
        Assert.Contains("unverified", done.Next.History[^1].Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_ProductExample_CompilesEveryField()
    {
        var spec = SpecText.Valid(ProductExample);

        Assert.Equal("support-bot", spec.Deployment);
        Assert.Equal(8, spec.Candidate);
        Assert.Equal(RolloutStrategy.Canary, spec.Strategy);
        Assert.Equal(6, spec.Steps.Length);
        Assert.Equal(new ShadowStep(TimeSpan.FromMinutes(10), 1.0, 500), spec.Steps[0]);
        Assert.Equal(new CanaryStep(1, TimeSpan.FromMinutes(5), 200), spec.Steps[1]);
        Assert.Equal(new CanaryStep(5, TimeSpan.FromMinutes(10), RolloutSpec.DefaultMinRequests), spec.Steps[2]);
        Assert.Equal(new PauseStep(null), spec.Steps[3]);
        Assert.Equal(new CanaryStep(100, null, RolloutSpec.DefaultMinRequests), spec.Steps[5]);
        Assert.Equal(5, spec.Guardrails.Length);
        Assert.Equal(3, spec.ComparativeGuardrails);
        var latency = spec.Guardrails[1];
        Assert.Equal((SignalKind.Quantile, GuardrailRule.CompareBaseline, 1.25, 0.95), (latency.Kind, latency.Rule, latency.MaxRatio, latency.Quantile!.Value));
        Assert.Equal((GuardrailRule.Max, 0.0, GuardrailSeverity.Hard), (spec.Guardrails[2].Rule, spec.Guardrails[2].Limit, spec.Guardrails[2].Severity));
        Assert.Equal(GuardrailSeverity.Soft, spec.Guardrails[4].Severity);
        Assert.Equal(0.01, spec.Alpha);
        Assert.Equal(TimeSpan.FromHours(24), spec.RollbackWindow);
        Assert.Equal(new AlertTarget(new Uri("http://127.0.0.1:9100/hooks/oncall"), false), Assert.Single(spec.Alerts));
        Assert.Null(spec.Gate);
    }

    [Fact]
    public void Parse_NoStepsNoStrategy_UsesDefaultCanaryPlanAndDefaults()
    {
        var spec = SpecText.Valid("kind: Rollout\ndeployment: support-bot\n");

        Assert.Null(spec.Candidate);
        Assert.Equal(RolloutStrategy.Canary, spec.Strategy);
        Assert.Equal([1.0, 5, 25, 50, 100], spec.Steps.Cast<CanaryStep>().Select(s => s.Weight));
        Assert.Equal(RolloutSpec.DefaultAlpha, spec.Alpha);
        Assert.Equal(RolloutSpec.DefaultRollbackWindow, spec.RollbackWindow);
        Assert.Empty(spec.Guardrails);
    }

    [Fact]
    public void Parse_Linear_StepsUpToHundred()
    {
        var spec = SpecText.Valid(SpecText.Header + "strategy: linear\nlinear: { step: 30, interval: 1h30m, min_requests: 50 }\n");

        var steps = spec.Steps.Cast<CanaryStep>().ToArray();
        Assert.Equal([30.0, 60, 90, 100], steps.Select(s => s.Weight));
        Assert.All(steps[..3], s => Assert.Equal(TimeSpan.FromMinutes(90), s.Duration));
        Assert.Null(steps[3].Duration);
        Assert.All(steps, s => Assert.Equal(50, s.MinRequests));
    }

    [Fact]
    public void Parse_LinearFractionalStep_ReachesHundredExactly()
    {
        var spec = SpecText.Valid(SpecText.Header + "strategy: linear\nlinear: { step: 33.33, interval: 5m }\n");

        Assert.Equal([3333, 6666, 9999, 10_000], spec.Steps.Cast<CanaryStep>().Select(s => s.WeightBps));
    }

    [Fact]
    public void Parse_BlueGreen_WarmUpBakeThenFullWeight()
    {
        var spec = SpecText.Valid(SpecText.Header + "strategy: blue-green\nshadow: { duration: 5m, sample: 0.25 }\nbake: 10m\nkeep_warm: 2h\npreview: key\n");

        Assert.Equal(3, spec.Steps.Length);
        Assert.Equal(new ShadowStep(TimeSpan.FromMinutes(5), 0.25, RolloutSpec.DefaultMinRequests), spec.Steps[0]);
        Assert.Equal(new PreviewStep(TimeSpan.FromMinutes(10), PreviewMode.Key, 1.0, 0), spec.Steps[1]);
        Assert.Equal(10_000, Assert.IsType<CanaryStep>(spec.Steps[2]).WeightBps);
        Assert.Equal(TimeSpan.FromHours(2), spec.KeepWarm);
    }

    [Fact]
    public void Parse_Shadow_OneShadowStep()
    {
        var spec = SpecText.Valid(SpecText.Header + "strategy: shadow\nduration: 1h\nsample: 0.5\n");

        Assert.Equal(new ShadowStep(TimeSpan.FromHours(1), 0.5, RolloutSpec.DefaultMinRequests), Assert.Single(spec.Steps));
        Assert.Equal(5000, ((ShadowStep)spec.Steps[0]).SampleBps);
    }

    [Fact]
    public void Parse_GateAlertsAndQualitySignals_AreRead()
    {
        var spec = SpecText.Valid(SpecText.Header + """
            gate: { dataset: golden.jsonl, min_score: 0.9, max_drop_vs_stable: 0.02 }
            alerts:
              - { webhook: "https://hooks.example/x", slack: true }
            guardrails:
              - { signal: shadow_agreement, min: 0.8, severity: soft }
              - { signal: json_invalid_rate, max: 0.05 }
              - { signal: response_length, compare: baseline, max_ratio: 1.5 }
            """);

        Assert.Equal(new GateSpec("golden.jsonl", 0.9, 0.02), spec.Gate);
        Assert.True(Assert.Single(spec.Alerts).Slack);
        Assert.Equal(GuardrailRule.Min, spec.Guardrails[0].Rule);
        Assert.Equal((GuardrailSeverity.Hard, 100L), (spec.Guardrails[1].Severity, spec.Guardrails[1].MinRequests));
        Assert.Equal(0.5, spec.Guardrails[2].Quantile);
    }

    [Theory]
    [InlineData("30s", 30)]
    [InlineData("5m", 300)]
    [InlineData("1h30m", 5400)]
    [InlineData("2d", 172_800)]
    public void TryParseDuration_Valid_ReturnsSeconds(string text, int seconds)
    {
        Assert.True(RolloutSpecParser.TryParseDuration(text, out var duration));
        Assert.Equal(TimeSpan.FromSeconds(seconds), duration);
    }

    [Theory]
    [InlineData("")]
    [InlineData("0s")]
    [InlineData("5")]
    [InlineData("30m1h")]
    [InlineData("1.5h")]
    [InlineData("-5m")]
    [InlineData("5 m")]
    public void TryParseDuration_Invalid_ReturnsFalse(string text) => Assert.False(RolloutSpecParser.TryParseDuration(text, out _));
}
