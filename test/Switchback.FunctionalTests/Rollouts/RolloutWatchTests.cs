using System.Text.RegularExpressions;
using Switchback.FunctionalTests.Infrastructure;

namespace Switchback.FunctionalTests.Rollouts;

/// <summary><c>rollout status --watch</c> with stdout redirected, against real server, simulator and CLI processes.</summary>
public sealed class RolloutWatchTests
{
    private static Dictionary<string, string?> Env(ServerProcess server)
        => new() { ["SWITCHBACK_URL"] = server.Url, ["SWITCHBACK_API_KEY"] = ServerProcess.AdminKey };

    /// <summary>The watch's first line (it prints one as soon as it has the status), within 60 s.</summary>
    private static async Task<string> FirstLineAsync(ChildProcess watch)
    {
        for (var until = DateTimeOffset.UtcNow.AddSeconds(60); DateTimeOffset.UtcNow < until && !watch.Process.HasExited; await Task.Delay(50, TestContext.Current.CancellationToken))
        {
            if (watch.Stdout.IndexOf('\n', StringComparison.Ordinal) is > 0 and var end)
            {
                return watch.Stdout[..end];
            }
        }

        throw new TimeoutException($"no line from the watch.\nstdout:\n{watch.Stdout}\nstderr:\n{watch.Stderr}");
    }

    [Fact]
    public async Task StatusWatch_FlakyCanaryRedirected_PrintsProgressionAndExitsRolledBackByItself()
    {
        using var svc = await SvcOnSims.StartAsync("flaky", "--error-rate", "0.4");
        var (dir, server) = (svc.Dir, svc.Server);
        Assert.Equal(0, (await server.CliAsync("rollout", "start", "svc", "-f", dir.Write("rollout.yaml", Manifests.Canary()))).ExitCode);

        using var watch = ChildProcess.Start(["rollout", "status", "svc", "--watch"], Env(server));
        await FirstLineAsync(watch);
        using var http = server.CreateHttpClient();
        await Svc.DriveUntilFinishedAsync(http, TimeSpan.FromSeconds(30));
        var exit = await watch.WaitForExitAsync(TimeSpan.FromSeconds(30));

        Assert.True(exit == 4, $"exit {exit}\n{watch.Stdout}\n{watch.Stderr}");
        Assert.DoesNotContain("\u001b", watch.Stdout, StringComparison.Ordinal);
        var lines = watch.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(lines.Length >= 2, watch.Stdout);
        Assert.True(Regex.IsMatch(lines[0], @"^\d\d:\d\d:\d\d progressing, step 1/2 \(canary 50 % for 30s, at least 20 requests per arm\); v1 50 % \(\d+ req\), v2 50 % \(\d+ req\)"), watch.Stdout);
        Assert.True(Regex.IsMatch(lines[^1], @"^\d\d:\d\d:\d\d rolled_back, step 1/2 .*; v1 100 % \(\d+ req\), v2 0 % \(\d+ req\); error_rate:compare e [\d.E+]+ / 100 BREACHED; last: rolled_back: svc@2 rolled back to 1"), watch.Stdout);
        // Only changes are printed: no two lines alike once the time is left out.
        Assert.Equal(lines.Length, lines.Select(l => l[9..]).Distinct().Count());
    }

    [Fact]
    public async Task StatusWatch_BadIntervalUnknownDeploymentAndCtrlC_ClearErrorsAndCleanExit()
    {
        using var dir = new TempDir();
        using var server = await ServerProcess.StartAsync(dir.SqliteStore);
        await Svc.RegisterAsync(server, dir, "http://127.0.0.1:1", "http://127.0.0.1:1");

        foreach (var bad in new[] { "soon", "500ms", "0", "2h" })
        {
            var refused = await server.CliAsync("rollout", "status", "svc", "--watch", "--interval", bad);
            Assert.True(refused.ExitCode == 2, refused.ToString());
            Assert.Contains($"--interval '{bad}' is not a refresh interval", refused.Stderr, StringComparison.Ordinal);
        }

        var unknown = await server.CliAsync("rollout", "status", "nope", "--watch");
        Assert.True(unknown.ExitCode == 1, unknown.ToString());
        Assert.Contains("nope", unknown.Stderr, StringComparison.Ordinal);
        Assert.Empty(unknown.Stdout);

        var plan = Manifests.Canary().Replace("- canary: { weight: 50, duration: 30s, min_requests: 20 }", "- canary: { weight: 20, duration: 1h }", StringComparison.Ordinal);
        Assert.Equal(0, (await server.CliAsync("rollout", "start", "svc", "-f", dir.Write("rollout.yaml", plan))).ExitCode);
        using var watch = ChildProcess.Start(["rollout", "status", "svc", "--watch", "--interval", "1s"], Env(server));
        var first = await FirstLineAsync(watch);
        Assert.Contains("progressing, step 1/2", first, StringComparison.Ordinal);
        watch.Signal("INT");
        var exit = await watch.WaitForExitAsync(TimeSpan.FromSeconds(30));

        Assert.True(exit == 0, $"exit {exit}\n{watch.Stdout}\n{watch.Stderr}");
        Assert.Contains("stopped watching; the rollout of svc goes on", watch.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", watch.Stderr, StringComparison.Ordinal);
    }
}
