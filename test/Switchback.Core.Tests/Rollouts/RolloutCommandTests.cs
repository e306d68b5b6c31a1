using Switchback.Core.Rollouts;
using static Switchback.Core.Tests.Rollouts.Rollouts;

namespace Switchback.Core.Tests.Rollouts;

public sealed class RolloutCommandTests
{
    private static RolloutState Running() => RolloutDecider.Decide(
        Start("steps:\n  - canary: { weight: 10, duration: 10m, min_requests: 1 }\n  - pause: { duration: 5m }\n  - canary: { weight: 100 }\n"),
        new RolloutObservation(T0), T0).Next;

    [Fact]
    public void Apply_PauseThenResume_HoldsThenRestartsTheDeadline()
    {
        var paused = RolloutDecider.Apply(Running(), new PauseCommand("investigating"), T0.AddMinutes(9)).Decision!.Next;
        Assert.Equal((RolloutPhase.Paused, PhaseReason.Operator), (paused.Phase, paused.Reason));
        Assert.Equal(RolloutPhase.Paused, RolloutDecider.Decide(paused, Traffic(T0.AddMinutes(30), 90, 10), T0.AddMinutes(30)).Next.Phase);

        var resumed = RolloutDecider.Apply(paused, new ResumeCommand(), T0.AddMinutes(40)).Decision!.Next;
        Assert.Equal((RolloutPhase.Progressing, T0.AddMinutes(40)), (resumed.Phase, resumed.StepStartedAt!.Value));
        Assert.Equal(0, RolloutDecider.Decide(resumed, Traffic(T0.AddMinutes(45), 90, 10), T0.AddMinutes(45)).Next.StepIndex);
        Assert.Equal(1, RolloutDecider.Decide(resumed, Traffic(T0.AddMinutes(50), 90, 10), T0.AddMinutes(50)).Next.StepIndex);
    }

    [Fact]
    public void Apply_TimedPauseStep_EndsByItselfOrByPromote()
    {
        var atPause = RolloutDecider.Decide(Running(), Traffic(T0.AddMinutes(10), 90, 10), T0.AddMinutes(10)).Next;
        Assert.Equal((RolloutPhase.Paused, PhaseReason.PlanPause, 1), (atPause.Phase, atPause.Reason, atPause.StepIndex));
        Assert.Contains("use promote", RolloutDecider.Apply(atPause, new ResumeCommand(), T0.AddMinutes(11)).Refusal, StringComparison.Ordinal);

        Assert.Equal(RolloutPhase.Promoted, RolloutDecider.Decide(atPause, new RolloutObservation(T0.AddMinutes(15)), T0.AddMinutes(15)).Next.Phase);
        var promoted = RolloutDecider.Apply(atPause, new PromoteCommand(), T0.AddMinutes(11)).Decision!;
        Assert.Equal(RolloutPhase.Promoted, promoted.Next.Phase);
        Assert.Contains(promoted.Next.History, d => d.Kind == DecisionKind.OperatorPromoted);
    }

    [Fact]
    public void Apply_Refusals_LeaveStateUntouchedAndSayWhy()
    {
        var running = Running();

        Assert.Contains("not paused", RolloutDecider.Apply(running, new PromoteCommand(), T0).Refusal, StringComparison.Ordinal);
        Assert.Contains("not paused: nothing to resume", RolloutDecider.Apply(running, new ResumeCommand(), T0).Refusal, StringComparison.Ordinal);
        var paused = RolloutDecider.Apply(running, new PauseCommand("x"), T0).Decision!.Next;
        Assert.Contains("only a shadowing or progressing rollout can be paused", RolloutDecider.Apply(paused, new PauseCommand("y"), T0).Refusal, StringComparison.Ordinal);
        var pending = Start("unverified: true\nsteps:\n  - canary: { weight: 100 }\n");
        Assert.False(RolloutDecider.Apply(pending, new PauseCommand("x"), T0).Accepted);
    }

    [Fact]
    public void Apply_Abort_RoutesBackAndFinishes()
    {
        var aborted = RolloutDecider.Apply(Running(), new AbortCommand("wrong build"), T0.AddMinutes(3)).Decision!;

        Assert.Equal((RolloutPhase.Aborted, PhaseReason.Operator), (aborted.Next.Phase, aborted.Next.Reason));
        Assert.Equal("abort", Assert.IsType<RollbackAction>(Assert.Single(aborted.Actions)).Trigger);
        Assert.Contains("wrong build", aborted.Next.ReasonText, StringComparison.Ordinal);
        Assert.Contains("is finished (aborted", RolloutDecider.Apply(aborted.Next, new AbortCommand("again"), T0).Refusal, StringComparison.Ordinal);
        Assert.Empty(RolloutDecider.Apply(Start("unverified: true\nsteps:\n  - canary: { weight: 100 }\n"), new AbortCommand("never mind"), T0).Decision!.Actions);
    }

    [Fact]
    public void Create_CandidateMismatchOrEqualStable_Throws()
    {
        var spec = SpecText.Valid(SpecText.Header + "candidate: 8\n");

        Assert.Throws<ArgumentException>(() => RolloutState.Create("r", spec, 7, 9, T0));
        Assert.Throws<ArgumentException>(() => RolloutState.Create("r", spec, 8, 8, T0));
    }

    [Theory]
    [InlineData(-60, true)]
    [InlineData(-24 * 60, true)]
    [InlineData(-24 * 60 - 1, false)]
    [InlineData(5, false)]
    public void IsFastPath_WithinWindow_SkipsSteps(int minutesAgo, bool expected)
        => Assert.Equal(expected, RollbackPlanner.IsFastPath(6, T0.AddMinutes(minutesAgo), TimeSpan.FromHours(24), T0));

    [Fact]
    public void IsFastPath_NeverServed_False() => Assert.False(RollbackPlanner.IsFastPath(6, null, TimeSpan.FromHours(24), T0));
}
