using System.Text.Json.Nodes;
using Spectre.Console;

namespace Switchback.Cli.Demo;

/// <summary>Drives traffic while a rollout runs, showing its progress, until it finishes or the time is up.</summary>
internal static class RolloutWatcher
{
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan PrintEvery = TimeSpan.FromSeconds(2);

    /// <summary>The final rollout status; throws <see cref="DemoFailedException"/> when it does not finish within <paramref name="limit"/>.</summary>
    public static async Task<(JsonNode Status, TrafficCounts Counts)> WatchAsync(DemoEnvironment env, DemoSettings settings, string deployment, TimeSpan limit, CancellationToken ct)
    {
        var counts = new TrafficCounts();
        using var stopTraffic = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var driver = new TrafficDriver(env.ServerUrl, deployment, env.Time, env.Seed);
        var traffic = driver.RunAsync(counts, maxRequests: (long)(TrafficDriver.RequestsPerSecond * limit.TotalSeconds), limit, stopTraffic.Token);
        var started = env.Time.GetTimestamp();
        try
        {
            if (settings.Live)
            {
                JsonNode? last = null;
                await env.Console.Live(new Markup("starting…")).AutoClear(false).StartAsync(async live =>
                {
                    last = await PollAsync(env, deployment, started, limit, (status, elapsed) =>
                    {
                        live.UpdateTarget(RolloutView.Table(status, counts, elapsed));
                        live.Refresh();
                    }, ct);
                });
                return (last!, counts);
            }

            var printed = TimeSpan.Zero;
            var final = await PollAsync(env, deployment, started, limit, (status, elapsed) =>
            {
                if (elapsed - printed >= PrintEvery || IsSettled(status))
                {
                    printed = elapsed;
                    env.Console.WriteLine(RolloutView.Line(status, counts, elapsed));
                }
            }, ct);
            return (final, counts);
        }
        finally
        {
            await stopTraffic.CancelAsync();
            await traffic;
        }
    }

    private static async Task<JsonNode> PollAsync(DemoEnvironment env, string deployment, long started, TimeSpan limit, Action<JsonNode, TimeSpan> show, CancellationToken ct)
    {
        while (true)
        {
            var status = await env.RolloutStatusAsync(deployment, ct);
            var elapsed = env.Time.GetElapsedTime(started);
            show(status, elapsed);
            if (IsSettled(status))
            {
                return status;
            }

            if (elapsed > limit)
            {
                throw new DemoFailedException($"the rollout of {deployment} did not finish within {limit.TotalSeconds:0} s (phase {RolloutView.Text(status, "phase")})");
            }

            await Task.Delay(Poll, env.Time, ct);
        }
    }

    /// <summary>Finished, and after a rollback the target has served its first request (the traffic keeps going until then).</summary>
    private static bool IsSettled(JsonNode status)
        => status["finished"]?.GetValue<bool>() == true
           && (RolloutView.Text(status, "phase") is not ("rolled_back" or "aborted") || status["last_rollback"]?["first_request_ms"] is not null);
}
