using Switchback.Control.Runbooks;
using Switchback.Control.Tests.Rollouts;
using Switchback.Core.Rollouts;
using Switchback.Core.Routing;

namespace Switchback.Control.Tests.Runbooks;

public sealed class RunbookRendererTests
{
    private static readonly DateTimeOffset Now = new(2026, 5, 4, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Render_WithTarget_ShowsExactRollbackCommandRoutingAndAliases()
    {
        var model = Model() with { Routing = new RoutingState("svc", 2, 3, 2500, 4, 5000, Generation: 9) };

        var md = RunbookRenderer.Render(model);

        Assert.StartsWith("# On-call runbook: svc\n", md, StringComparison.Ordinal);
        Assert.Contains("```sh\nswitchback rollback svc --to 1 --reason \"…\"\n```", md, StringComparison.Ordinal);
        Assert.Contains("| stable | 2 | 75 % |", md, StringComparison.Ordinal);
        Assert.Contains("| candidate | 3 | 25 % |", md, StringComparison.Ordinal);
        Assert.Contains("| shadow | 4 | 50 % mirrored", md, StringComparison.Ordinal);
        Assert.Contains("Routing generation: 9.", md, StringComparison.Ordinal);
        Assert.Contains("| champion | 1 |\n| stable | 2 |", md, StringComparison.Ordinal);
        Assert.Contains("switchback history svc", md, StringComparison.Ordinal);
        Assert.Contains("`docs/drills-and-runbooks.md`", md, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_NoTarget_WarnsInsteadOfACommand()
    {
        var md = RunbookRenderer.Render(Model() with { RollbackTarget = null });

        Assert.DoesNotContain("switchback rollback svc --to", md, StringComparison.Ordinal);
        Assert.Contains("no previous stable version", md, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_NeverDrilled_WarnsWithTheDryRunCommand()
    {
        var md = RunbookRenderer.Render(Model());

        Assert.Contains("never drilled — run `switchback drill svc --dry-run`", md, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_LastDrill_ShowsEachStepTimingAndFindings()
    {
        var drill = new RunbookDrill("drill-1", Now.AddHours(-1), false, "failed", "ops",
            [("resolve_target", true, 1.25), ("warm_check", false, 2004.5)], ["svc@1 is not warm | down"], null);

        var md = RunbookRenderer.Render(Model() with { LastDrill = drill });

        Assert.Contains("`drill-1` at 2026-05-04 11:00:00 UTC by ops: **failed**.", md, StringComparison.Ordinal);
        Assert.Contains("| resolve_target | ok | 1.25 |\n| warm_check | FAILED | 2004.5 |", md, StringComparison.Ordinal);
        Assert.Contains("- svc@1 is not warm \\| down", md, StringComparison.Ordinal);
        Assert.DoesNotContain("never drilled", md, StringComparison.Ordinal);
        Assert.DoesNotContain("over 30 days old", md, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_OldFullDrill_ShowsSwitchWindowAndStaleWarning()
    {
        var drill = new RunbookDrill("drill-2", Now.AddDays(-31), false, "passed", "ops", [("switch_back", true, 3)], [], 12.5);

        var md = RunbookRenderer.Render(Model() with { LastDrill = drill });

        Assert.Contains("Users were on the rollback target for 12.5 ms.", md, StringComparison.Ordinal);
        Assert.Contains("over 30 days old", md, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_ActiveRollout_ListsGuardrailsPhaseAndAbortNote()
    {
        var spec = ControllerHarness.Spec("candidate: 2\nsteps:\n  - canary: { weight: 10, duration: 1h }\n  - canary: { weight: 100 }\nguardrails:\n" +
            "  - { signal: error_rate, compare: baseline, severity: hard }\n  - { signal: latency_p95, compare: baseline, max_ratio: 1.25, severity: soft }\n  - { signal: upstream_oom, max: 0 }\n");
        var rollout = RolloutState.Create("r-1", spec, 1, 2, Now);

        var md = RunbookRenderer.Render(Model() with { ActiveRollout = rollout });

        Assert.Contains("`r-1`: candidate 2 against stable 1, phase **pending**, step 1 of 2.", md, StringComparison.Ordinal);
        Assert.Contains("| error_rate | compare: baseline, max_ratio 1 | hard |", md, StringComparison.Ordinal);
        Assert.Contains("| latency_p95 | compare: baseline, max_ratio 1.25 | soft |", md, StringComparison.Ordinal);
        Assert.Contains("| upstream_oom | max: 0 | hard |", md, StringComparison.Ordinal);
        Assert.Contains("This also aborts rollout `r-1`", md, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_VersionsAndHealth_ShowDigestLineageAndState()
    {
        var md = RunbookRenderer.Render(Model());

        Assert.Contains("| 2 | `sha256:bbb` | 2026-05-01 09:30:00 | git_commit: 4f1c2e9, run: mlflow:7a3b |", md, StringComparison.Ordinal);
        Assert.Contains("| 1 (archived) | `sha256:aaa` |", md, StringComparison.Ordinal);
        Assert.Contains("| 1 | rollback target | unhealthy | connection refused |", md, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_SameModel_SameText()
        => Assert.Equal(RunbookRenderer.Render(Model()), RunbookRenderer.Render(Model()));

    private static RunbookModel Model() => new(
        "svc",
        Now,
        new RoutingState("svc", 2, Generation: 4),
        new Dictionary<string, int> { ["stable"] = 2, ["champion"] = 1 },
        [
            new RunbookVersion(2, "sha256:bbb", new DateTimeOffset(2026, 5, 1, 9, 30, 0, TimeSpan.Zero), false,
                [KeyValuePair.Create("git_commit", "4f1c2e9"), KeyValuePair.Create("run", "mlflow:7a3b")]),
            new RunbookVersion(1, "sha256:aaa", new DateTimeOffset(2026, 4, 1, 9, 30, 0, TimeSpan.Zero), true, []),
        ],
        null,
        1,
        null,
        [new RunbookHealth(2, "stable", "healthy", "last probe 3 ms"), new RunbookHealth(1, "rollback target", "unhealthy", "connection refused")]);
}
