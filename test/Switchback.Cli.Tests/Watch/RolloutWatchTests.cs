using System.Text.Json.Nodes;
using Spectre.Console.Testing;
using Switchback.Cli.Client;
using Switchback.Cli.Watch;

namespace Switchback.Cli.Tests.Watch;

public sealed class RolloutWatchTests
{
    private static readonly TimeSpan Second = TimeSpan.FromSeconds(1);

    /// <summary>A fetch that answers <paramref name="answers"/> in order and counts its calls.</summary>
    private sealed class Answers(params ApiResponse[] answers)
    {
        public int Calls { get; private set; }

        public Task<ApiResponse> FetchAsync(CancellationToken ct) => Task.FromResult(answers[Math.Min(Calls++, answers.Length - 1)]);
    }

    private static ApiResponse Ok(JsonNode status) => new(200, status, status.ToJsonString());

    private static string[] Lines(StringWriter output) => output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);

    [Fact]
    public async Task Plain_PrintsOneLineOnlyWhenTheStateChanges_AndStopsWhenFinished()
    {
        var time = new SteppedTime();
        var answers = new Answers(Ok(Snapshots.Started), Ok(Snapshots.EvidenceBuilding), Ok(Snapshots.EvidenceBuilding), Ok(Snapshots.RolledBack), Ok(Snapshots.RolledBack));
        var output = new StringWriter();
        var watch = new RolloutWatch(answers.FetchAsync, time, Second);

        var final = await time.DriveAsync(watch.PlainAsync(Snapshots.Started, output, TestContext.Current.CancellationToken), Second);

        var lines = Lines(output);
        Assert.Equal(3, lines.Length);
        Assert.StartsWith("17:46:15 progressing, step 1/2 (canary 50 % for 30s, at least 20 requests per arm); v1 50 % (0 req), v2 50 % (0 req); error_rate:compare no data yet, latency_p95:compare no data yet; last: step_started:", lines[0], StringComparison.Ordinal);
        Assert.StartsWith("17:46:17 progressing, step 1/2", lines[1], StringComparison.Ordinal);
        Assert.Contains("v1 50 % (96 req), v2 50 % (60 req); error_rate:compare e 81.95 / 100, latency_p95:compare no data yet", lines[1], StringComparison.Ordinal);
        Assert.StartsWith("17:46:19 rolled_back, step 1/2", lines[2], StringComparison.Ordinal);
        Assert.Contains("error_rate:compare e 4839 / 100 BREACHED, latency_p95:compare e 1 / 100; last: rolled_back: svc@2 rolled back to 1", lines[2], StringComparison.Ordinal);
        Assert.Equal("rolled_back", final["phase"]!.GetValue<string>());
        Assert.Equal(4, answers.Calls);
    }

    [Fact]
    public async Task Plain_FailedRefresh_PrintedOnceThenRecovers()
    {
        var time = new SteppedTime();
        var unavailable = new ApiResponse(503, JsonNode.Parse("""{"error":{"code":"store_unavailable","message":"the store does not answer"}}"""), "");
        var answers = new Answers(unavailable, unavailable, Ok(Snapshots.RolledBack));
        var output = new StringWriter();
        var watch = new RolloutWatch(answers.FetchAsync, time, Second);

        await time.DriveAsync(watch.PlainAsync(Snapshots.EvidenceBuilding, output, TestContext.Current.CancellationToken), Second);

        var lines = Lines(output);
        Assert.Equal(3, lines.Length);
        Assert.EndsWith("(refresh failed: the store does not answer)", lines[1], StringComparison.Ordinal);
        Assert.Contains("e 81.95 / 100", lines[1], StringComparison.Ordinal);
        Assert.StartsWith("17:46:18 rolled_back", lines[2], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Plain_FinishedAtTheStart_PrintsOnceWithoutFetching()
    {
        var answers = new Answers(Ok(Snapshots.Started));
        var output = new StringWriter();

        var final = await new RolloutWatch(answers.FetchAsync, new SteppedTime(), Second).PlainAsync(Snapshots.RolledBack, output, TestContext.Current.CancellationToken);

        Assert.Single(Lines(output));
        Assert.Equal(0, answers.Calls);
        Assert.Equal("rolled_back", final["phase"]!.GetValue<string>());
    }

    [Fact]
    public async Task Plain_Cancelled_StopsWhileWaiting()
    {
        var time = new SteppedTime();
        using var stop = new CancellationTokenSource();
        var answers = new Answers(Ok(Snapshots.Started));
        var run = new RolloutWatch(answers.FetchAsync, time, Second).PlainAsync(Snapshots.Started, new StringWriter(), stop.Token);
        await time.WaitingAsync();

        await stop.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run);
        Assert.Equal(0, answers.Calls);
    }

    [Fact]
    public async Task Live_RedrawsInPlaceUntilFinished()
    {
        var time = new SteppedTime();
        using var console = new TestConsole().Width(200).Interactive().EmitAnsiSequences();
        var answers = new Answers(Ok(Snapshots.EvidenceBuilding), Ok(Snapshots.RolledBack));
        var watch = new RolloutWatch(answers.FetchAsync, time, Second);

        var final = await time.DriveAsync(watch.LiveAsync(Snapshots.Started, console, TestContext.Current.CancellationToken), Second);

        Assert.Equal("rolled_back", final["phase"]!.GetValue<string>());
        var output = console.Output;
        // Each redraw moves the cursor back up over the previous one (ESC [ n A) instead of scrolling.
        Assert.Matches(@"\u001b\[\d+A", output);
        Assert.True(output.LastIndexOf("e 81.95 / 100", StringComparison.Ordinal) < output.LastIndexOf("e 4839 / 100", StringComparison.Ordinal), output);
        var lastFrame = output[output.LastIndexOf("Phase", StringComparison.Ordinal)..];
        Assert.Contains("rolled_back", lastFrame, StringComparison.Ordinal);
        Assert.Contains("error_rate:compare BREACHED", lastFrame, StringComparison.Ordinal);
        Assert.Contains("updated 17:46:17 UTC", lastFrame, StringComparison.Ordinal);
    }
}
