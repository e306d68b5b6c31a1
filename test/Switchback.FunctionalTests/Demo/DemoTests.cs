using System.Net.Sockets;
using System.Text.Json.Nodes;
using Switchback.FunctionalTests.Infrastructure;

namespace Switchback.FunctionalTests.Demo;

/// <summary><c>switchback demo</c>, the README's first command, run as a real child process.</summary>
public sealed class DemoTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Demo_DefaultScenario_RollsBackFlakyPromotesHealthyAndLeavesNothingRunning()
    {
        using var child = ChildProcess.Start(["demo", "--output", "json"], new Dictionary<string, string?>());
        var exit = await child.WaitForExitAsync(TimeSpan.FromSeconds(120));

        Assert.True(exit == 0, $"exit {exit}\nstdout:\n{child.Stdout}\nstderr:\n{child.Stderr}");
        foreach (var line in new[] { "Rolled back:", "evidence: v1 (baseline)", "detection:", "propagation:", "Promoted: support-bot@3", "Demo complete" })
        {
            Assert.Contains(line, child.Stderr, StringComparison.Ordinal);
        }

        var summary = JsonNode.Parse(child.Stdout)!;
        Assert.True(summary["ok"]!.GetValue<bool>());
        var rollback = summary["facts"]!["rollback"]!;
        var test = rollback["evidence"]!;
        Assert.Equal(("error_rate:compare", 1), (rollback["guardrail"]!.GetValue<string>(), rollback["to"]!.GetValue<int>()));
        Assert.True(test["e_value"]!.GetValue<double>() >= test["threshold"]!.GetValue<double>());
        Assert.True(test["candidate_events"]!.GetValue<long>() > test["baseline_events"]!.GetValue<long>());
        Assert.InRange(rollback["detection_ms"]!.GetValue<double>(), 1, 25_000);
        Assert.InRange(rollback["propagation_ms"]!.GetValue<double>(), 0, 1000);
        Assert.InRange(rollback["first_request_ms"]!.GetValue<double>(), 0, 5000);
        Assert.Equal(3, summary["facts"]!["promotion"]!["version"]!.GetValue<int>());
        Assert.InRange(summary["seconds"]!.GetValue<double>(), 0, 60);
        Assert.False(Directory.Exists(summary["directory"]!.GetValue<string>()));
        var addresses = summary["upstreams"]!.AsArray().Select(u => new Uri(u!.GetValue<string>())).Append(new Uri(summary["server"]!.GetValue<string>())).ToList();
        Assert.Equal(4, addresses.Count);
        foreach (var address in addresses)
        {
            using var client = new TcpClient();
            await Assert.ThrowsAnyAsync<SocketException>(() => client.ConnectAsync(address.Host, address.Port, Ct).AsTask());
        }
    }

    [Fact]
    public async Task Demo_SilentScenario_GateFailsErrorsAndLatencyPromoteQualityGuardrailsRollBack()
    {
        using var child = ChildProcess.Start(["demo", "--scenario", "silent", "--seed", "7", "--output", "json"], new Dictionary<string, string?>());
        var exit = await child.WaitForExitAsync(TimeSpan.FromSeconds(120));

        Assert.True(exit == 0, $"exit {exit}\nstdout:\n{child.Stdout}\nstderr:\n{child.Stderr}");
        var story = child.Stderr;
        var acts = new[] { "1. Rollout of support-bot@2 with a gate", "Gate failed: v2 passed", "2. The same rollout without the gate", "Promoted: support-bot@2 is stable",
            "3. The same rollout with quality guardrails", "Rolled back: the controller rolled support-bot@2 back to @1", "time to rollback:", "Demo complete" };
        var at = acts.Select(line => story.IndexOf(line, StringComparison.Ordinal)).ToList();
        Assert.True(at.All(i => i >= 0) && at.SequenceEqual(at.Order()), $"the acts are missing or out of order:\n{story}");

        var summary = JsonNode.Parse(child.Stdout)!;
        Assert.Equal(("silent", 7, true), (summary["scenario"]!.GetValue<string>(), summary["seed"]!.GetValue<int>(), summary["ok"]!.GetValue<bool>()));
        var gate = summary["facts"]!["gate"]!;
        Assert.Equal(("aborted", "gate_failed"), (gate["phase"]!.GetValue<string>(), gate["reason"]!.GetValue<string>()));
        Assert.Equal(1.0, gate["stable_mean_score"]!.GetValue<double>());
        Assert.True(gate["candidate_mean_score"]!.GetValue<double>() < 1.0 && gate["failed_cases"]!.GetValue<int>() > 0, gate.ToJsonString());
        var promoted = summary["facts"]!["errors_and_latency_only"]!;
        Assert.Equal("promoted", promoted["phase"]!.GetValue<string>());
        Assert.True(promoted["candidate_requests"]!.GetValue<long>() >= 100, promoted.ToJsonString());
        Assert.Equal(0, promoted["candidate_client_errors"]!.GetValue<long>());
        Assert.True(promoted["refusals"]!.GetValue<long>() + promoted["safety_violations"]!.GetValue<long>() > 0, promoted.ToJsonString());
        var caught = summary["facts"]!["quality_guardrails"]!;
        Assert.Equal((2, 1), (caught["from"]!.GetValue<int>(), caught["to"]!.GetValue<int>()));
        Assert.Matches("^(safety_violations|refusal_rate):", caught["guardrail"]!.GetValue<string>());
        Assert.Equal(0, caught["client_requests"]!["v2"]!["errors"]!.GetValue<long>());
        Assert.InRange(caught["detection_ms"]!.GetValue<double>(), 1, 10_000);
        Assert.InRange(summary["seconds"]!.GetValue<double>(), 0, 60);
        Assert.False(Directory.Exists(summary["directory"]!.GetValue<string>()));
    }

    [Fact]
    public async Task Demo_UnknownScenario_ExitsWithUsageErrorNamingTheChoices()
    {
        var result = await CliRunner.RunAsync(null, null, "demo", "--scenario", "nope");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("'nope' not recognized", result.Stderr, StringComparison.Ordinal);
        foreach (var name in new[] { "'canary'", "'silent'" })
        {
            Assert.Contains(name, result.Stderr, StringComparison.Ordinal);
        }
    }
}
