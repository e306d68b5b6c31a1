using System.Globalization;
using System.Text.Json.Nodes;
using Spectre.Console;
using Switchback.Cli.Client;

namespace Switchback.Cli.Watch;

/// <summary>
/// The refresh loop of <c>rollout status --watch</c>: fetch the status every <see cref="Interval"/> (waiting on the injected
/// <see cref="TimeProvider"/>) until the rollout has finished, then return its last status. Live, it redraws
/// <see cref="WatchView"/> in place; plain, it writes a <see cref="WatchLine"/> with the time each time the line changes.
/// Cancelling the token (Ctrl+C) throws <see cref="OperationCanceledException"/>.
/// </summary>
internal sealed class RolloutWatch(Func<CancellationToken, Task<ApiResponse>> fetch, TimeProvider time, TimeSpan interval)
{
    /// <summary>How often the status is fetched.</summary>
    public TimeSpan Interval { get; } = interval;

    /// <summary>Redraws the view in place on <paramref name="console"/> (a terminal) until the rollout has finished.</summary>
    public async Task<JsonNode> LiveAsync(JsonNode first, IAnsiConsole console, CancellationToken ct)
    {
        var last = first;
        await console.Live(WatchView.Render(first, time.GetUtcNow(), null)).AutoClear(false).StartAsync(async live =>
        {
            last = await PollAsync(first, (status, problem) =>
            {
                live.UpdateTarget(WatchView.Render(status, time.GetUtcNow(), problem));
                live.Refresh();
            }, ct);
        });
        return last;
    }

    /// <summary>Writes "HH:mm:ss LINE" to <paramref name="output"/> whenever the line changes, until the rollout has finished.</summary>
    public Task<JsonNode> PlainAsync(JsonNode first, TextWriter output, CancellationToken ct)
    {
        string? previous = null;
        return PollAsync(first, (status, problem) =>
        {
            var line = WatchLine.Of(status, problem);
            if (line != previous)
            {
                previous = line;
                output.WriteLine($"{time.GetUtcNow().UtcDateTime.ToString("HH:mm:ss", CultureInfo.InvariantCulture)} {line}");
                output.Flush();
            }
        }, ct);
    }

    /// <summary>True once the rollout has ended (promoted, completed, rolled back or aborted).</summary>
    public static bool Finished(JsonNode status) => status["finished"]?.GetValue<bool>() == true;

    private async Task<JsonNode> PollAsync(JsonNode status, Action<JsonNode, string?> show, CancellationToken ct)
    {
        show(status, null);
        while (!Finished(status))
        {
            await Task.Delay(Interval, time, ct);
            var next = await fetch(ct);
            string? problem = null;
            if (next.IsSuccess && next.Body is { } body)
            {
                status = body;
            }
            else
            {
                // A store that is briefly unavailable should not end the watch: keep the last state and say why it is stale.
                problem = next.ErrorMessage;
            }

            show(status, problem);
        }

        return status;
    }
}
