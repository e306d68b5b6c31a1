namespace Switchback.FunctionalTests.Infrastructure;

/// <summary>A `switchback upstream-sim` child process on a free loopback port; disposing it stops the process.</summary>
internal sealed record Sim(ChildProcess Child, string Url) : IDisposable
{
    /// <summary>
    /// Starts a simulator with <paramref name="profile"/> (1 ms latency) and waits for its listening line; on a free port unless
    /// <paramref name="extra"/> names <c>--listen</c>.
    /// </summary>
    public static async Task<Sim> StartAsync(string profile, params string[] extra)
    {
        string[] listen = extra.Contains("--listen") ? [] : ["--listen", "http://127.0.0.1:0"];
        var child = ChildProcess.Start(["upstream-sim", .. listen, "--profile", profile, "--latency-ms", "1", .. extra], new Dictionary<string, string?>());
        var line = await child.WaitForLineAsync("upstream-sim", TimeSpan.FromSeconds(60));
        return new Sim(child, line[(line.LastIndexOf(" on ", StringComparison.Ordinal) + 4)..].Trim().TrimEnd('/'));
    }

    public void Dispose() => Child.Dispose();
}
