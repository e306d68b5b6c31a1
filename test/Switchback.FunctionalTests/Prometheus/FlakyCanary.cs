using Switchback.FunctionalTests.Infrastructure;

namespace Switchback.FunctionalTests.Prometheus;

/// <summary>
/// One real server with svc@1 (healthy simulator) as stable and svc@2 (flaky simulator, 40 % 5xx) as a canary at 50 % that
/// stays there (one hour step, only a lenient absolute guardrail), with traffic already through it. Shared by the class.
/// </summary>
public sealed class FlakyCanary : IAsyncLifetime
{
    private const string Plan = """
        kind: Rollout
        deployment: svc
        candidate: 2
        steps:
          - canary: { weight: 50, duration: 1h }
        guardrails:
          - { signal: error_rate, max: 0.95, severity: hard }
        """;

    private readonly TempDir dir = new();
    private Sim healthy = null!;
    private Sim flaky = null!;

    internal ServerProcess Server { get; private set; } = null!;

    /// <summary>The server's host:port, as a scrape target.</summary>
    internal string Target => new Uri(Server.Url).Authority;

    public async ValueTask InitializeAsync()
    {
        healthy = await Sim.StartAsync("healthy");
        flaky = await Sim.StartAsync("flaky", "--error-rate", "0.4", "--seed", "14");
        Server = await ServerProcess.StartAsync(dir.SqliteStore);
        await Svc.RegisterAsync(Server, dir, healthy.Url, flaky.Url);
        var start = await Server.CliAsync("rollout", "start", "svc", "-f", dir.Write("rollout.yaml", Plan));
        Assert.True(start.ExitCode == 0, start.ToString());
        using var http = Server.CreateHttpClient();
        Assert.NotNull((await Svc.WaitForCandidateAsync(http))["candidate"]);
        await SendAsync(http, 200, "warm");
    }

    /// <summary>Sends <paramref name="count"/> chats, 20 at a time, each with its own sticky key.</summary>
    internal static async Task SendAsync(HttpClient http, int count, string prefix)
    {
        for (var i = 0; i < count; i += 20)
        {
            await Task.WhenAll(Enumerable.Range(i, 20).Select(async k =>
            {
                using var response = await Svc.ChatAsync(http, prefix + k);
            }));
        }
    }

    public async ValueTask DisposeAsync()
    {
        Server?.Dispose();
        healthy?.Dispose();
        flaky?.Dispose();
        dir.Dispose();
        await ValueTask.CompletedTask;
    }
}
