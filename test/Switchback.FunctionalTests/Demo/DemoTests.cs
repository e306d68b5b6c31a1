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
    public async Task Demo_UnknownScenario_ExitsWithUsageErrorNamingTheChoices()
    {
        var result = await CliRunner.RunAsync(null, null, "demo", "--scenario", "nope");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("canary", result.Stderr, StringComparison.Ordinal);
    }
}
