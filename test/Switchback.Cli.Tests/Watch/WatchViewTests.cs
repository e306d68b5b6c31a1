using Spectre.Console.Testing;
using Switchback.Cli.Watch;

namespace Switchback.Cli.Tests.Watch;

public sealed class WatchViewTests
{
    private static readonly DateTimeOffset At = new(2026, 12, 3, 17, 46, 20, TimeSpan.Zero);

    private static string Render(System.Text.Json.Nodes.JsonNode status, string? problem = null)
    {
        using var console = new TestConsole().Width(200);
        console.Write(WatchView.Render(status, At, problem));
        return console.Output;
    }

    private static string Line(string output, string startsWith)
        => output.Split('\n').Single(l => l.Contains(startsWith, StringComparison.Ordinal));

    [Fact]
    public void Render_MidStep_ShowsStepWeightsCountsAndBarOfTheEValue()
    {
        var output = Render(Snapshots.EvidenceBuilding);

        Assert.Contains("Step 1/2: canary 50 % for 30s, at least 20 requests per arm", output, StringComparison.Ordinal);
        Assert.Contains("Phase progressing", output, StringComparison.Ordinal);
        Assert.Matches(@"stable\s+│\s+v1\s+│\s+50 %\s+│\s+96", Line(output, "│ stable "));
        Assert.Matches(@"candidate\s+│\s+v2\s+│\s+50 %\s+│\s+60", Line(output, "│ candidate "));
        // ln 81.95 / ln 100 = 0.957 of 20 cells.
        var errorRate = Line(output, "│ error_rate:compare");
        Assert.Contains(new string('█', 19) + "░ e 81.95 / 100", errorRate, StringComparison.Ordinal);
        Assert.DoesNotContain("BREACHED", errorRate, StringComparison.Ordinal);
        Assert.Contains("no evidence yet", Line(output, "│ latency_p95:compare"), StringComparison.Ordinal);
        Assert.Contains("Last decision: step_started: step 1 (canary 50 % for 00:00:30)", output, StringComparison.Ordinal);
        Assert.Contains("updated 17:46:20 UTC", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_RolledBack_MarksTheBreachedGuardrailAndShowsTheDecision()
    {
        var output = Render(Snapshots.RolledBack);

        var errorRate = Line(output, "│ error_rate:compare");
        Assert.Contains("error_rate:compare BREACHED", errorRate, StringComparison.Ordinal);
        Assert.Contains(new string('█', 20) + " e 4839 / 100", errorRate, StringComparison.Ordinal);
        Assert.Contains("baseline 0/52 units, candidate 14/38 units", errorRate, StringComparison.Ordinal);
        var latency = Line(output, "│ latency_p95:compare");
        Assert.Contains(new string('░', 20) + " e 1 / 100", latency, StringComparison.Ordinal);
        Assert.DoesNotContain("BREACHED", latency, StringComparison.Ordinal);
        Assert.Contains("Phase rolled_back (hard_breach)", output, StringComparison.Ordinal);
        Assert.Matches(@"stable\s+│\s+v1\s+│\s+100 %", Line(output, "│ stable "));
        Assert.Matches(@"candidate\s+│\s+v2\s+│\s+0 %", Line(output, "│ candidate "));
        Assert.Contains("Last decision: rolled_back: svc@2 rolled back to 1: hard guardrail breached", output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(10, 10)]
    [InlineData(1000, 20)]
    [InlineData(0.3, 0)]
    public void Render_BarLengthFollowsLogOfTheEValue(double eValue, int cells)
    {
        var output = Render(Snapshots.WithEValue(Snapshots.EvidenceBuilding, eValue));

        Assert.Contains(new string('█', cells) + new string('░', 20 - cells) + " e ", Line(output, "│ error_rate:compare"), StringComparison.Ordinal);
    }

    [Fact]
    public void Render_FailedRefresh_SaysSoAndKeepsTheLastState()
    {
        var output = Render(Snapshots.EvidenceBuilding, "store_unavailable: the registry store does not answer");

        Assert.Contains("refresh failed at 17:46:20 UTC: store_unavailable: the registry store does not answer", output, StringComparison.Ordinal);
        Assert.Contains("e 81.95 / 100", output, StringComparison.Ordinal);
    }
}
