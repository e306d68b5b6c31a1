using Switchback.Core.Rollouts;

namespace Switchback.Core.Tests.Rollouts;

public sealed class StepDescriptionTests
{
    [Fact]
    public void Describe_EveryStepKind_SaysItInWords()
    {
        var spec = SpecText.Valid(SpecText.Header + """
            steps:
              - shadow: { duration: 10m, sample: 1.0, min_requests: 500 }
              - canary: { weight: 0.5, duration: 90s, min_requests: 200 }
              - pause: {}
              - pause: { duration: 1h30m }
              - canary: { weight: 100 }
            guardrails:
              - { signal: error_rate, compare: baseline, severity: hard }
            """);

        Assert.Equal(
            [
                "shadow 100 % of requests for 10m, at least 500 mirrored requests",
                "canary 0.5 % for 1m30s, at least 200 requests per arm",
                "pause until `rollout promote`",
                "pause for 1h30m",
                "canary 100 %",
            ],
            spec.Steps.Select(s => s.Describe()));
    }

    [Fact]
    public void Describe_BlueGreenPreview_NamesTheMode()
    {
        Assert.Equal("blue-green preview, shadow 50 % of requests for 5m, at least 10 candidate requests", new PreviewStep(TimeSpan.FromMinutes(5), PreviewMode.Shadow, 0.5, 10).Describe());
        Assert.Equal("blue-green preview, reachable by pinning only for 2s", new PreviewStep(TimeSpan.FromSeconds(2), PreviewMode.Key, 0, 0).Describe());
        Assert.Equal("pause for 0.25s", new PauseStep(TimeSpan.FromMilliseconds(250)).Describe());
    }

    [Fact]
    public void Describe_NeverShowsTheRecordSyntax()
    {
        RolloutStep[] steps = [new CanaryStep(5, TimeSpan.FromMinutes(10), 0), new ShadowStep(TimeSpan.FromSeconds(1), 0.1, 0), new PauseStep(null)];

        Assert.All(steps, s => Assert.DoesNotContain("{", s.Describe(), StringComparison.Ordinal));
    }
}
