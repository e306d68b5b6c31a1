using System.Collections.Concurrent;
using System.Threading.Channels;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Switchback.Core.Rollouts;
using Switchback.Storage.Fleet;

namespace Switchback.Control.Rollouts.Evidence;

/// <summary>
/// Records each guardrail's evidence over a rollout (docs/api.md, "Evidence series"). The controller calls <see cref="Observe"/>
/// after every reconcile, once the decision's actions (a rollback's routing switch among them) have run; it only compares and
/// enqueues in memory, never waits, so recording never delays a decision. This hosted service writes the queue to the store
/// about every <see cref="EvidenceSeriesOptions.FlushInterval"/>, each point fenced by the term of the leader that judged it.
/// </summary>
/// <remarks>
/// In memory: the last point per rollout and guardrail (to thin at the source) and the points not yet written (at most
/// <see cref="EvidenceSeriesOptions.MaxQueued"/>). With three replicas, only the leader records; when it dies, the points it had
/// not written yet (about a second's worth) are lost, and the new leader's first tick of each rollout records a point for every
/// guardrail (it has no last point), so the stored series goes on from there; a deposed leader's late writes are refused by the
/// fence and dropped. A replica that stops leading keeps its last points of rollouts it no longer sees finish (a few hundred
/// bytes per guardrail) until it restarts. The store keeps at most <see cref="EvidenceSeriesOptions.MaxPoints"/> per rollout and guardrail.
/// Thread-safe: <see cref="Observe"/> from the controller's ticks, writes serialised by one lock.
/// </remarks>
internal sealed partial class EvidenceRecorder(
    IEvidenceSeriesStore store, IOptions<EvidenceSeriesOptions> options, TimeProvider time, ILogger<EvidenceRecorder> logger) : BackgroundService
{
    private readonly EvidenceSeriesOptions settings = options.Value;
    private readonly ConcurrentDictionary<(string Rollout, string Guardrail), LastPoint> last = new();
    private readonly Channel<Pending> queue = Channel.CreateBounded<Pending>(
        new BoundedChannelOptions(options.Value.MaxQueued) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true });

    private readonly SemaphoreSlim writing = new(1, 1);
    private readonly List<Pending> retry = [];

    /// <summary>Points waiting for the store (queued or to be retried).</summary>
    public int Waiting => queue.Reader.Count + retry.Count;

    /// <summary>
    /// Enqueues a point for every guardrail of <paramref name="state"/> judged by a sequential test (a comparison with the
    /// baseline, or a rule whose test has evidence): when it is the first, when the e-value moved by
    /// <see cref="EvidenceSeriesOptions.NoticeableFactor"/> or the guardrail breached since the last point, and otherwise every
    /// <see cref="EvidenceSeriesOptions.MinInterval"/> while the rollout routes, changed or not, so the chart shows where the
    /// e-value stood and when (flat at 1 until the first data, then a jump, rather than a slope between two far points). A
    /// finished rollout adds only a changed point (its last judgement) and is then forgotten.
    /// </summary>
    public void Observe(RolloutState state, LeaderFence? fence)
    {
        ArgumentNullException.ThrowIfNull(state);
        if (state.Phase is RolloutPhase.Pending or RolloutPhase.Gating)
        {
            return;
        }

        var now = time.GetUtcNow();
        foreach (var spec in state.Spec.Guardrails)
        {
            var g = state.Guardrails[spec.Key];
            var test = g.Last?.Test;
            if ((test is null && spec.Rule != GuardrailRule.CompareBaseline) || (test is not null && !double.IsFinite(test.EValue)))
            {
                continue;
            }

            // Before its first data a test's e-value is 1 by definition, and its threshold is not known here yet.
            var point = test is null
                ? new EvidencePointRow(state.Id, spec.Key, now, 1, null, 0, 0, 0, 0, false)
                : new EvidencePointRow(state.Id, spec.Key, now, test.EValue, test.Threshold, test.BaselineEvents, test.BaselineRequests,
                    test.CandidateEvents, test.CandidateRequests, g.Last!.ByUnit);
            var key = (state.Id, spec.Key);
            if (last.TryGetValue(key, out var previous) && !Worth(previous, point, g.Breached, now, state.IsFinished))
            {
                continue;
            }

            last[key] = new LastPoint(point, g.Breached);
            queue.Writer.TryWrite(new Pending(point, fence));
        }

        if (state.IsFinished)
        {
            foreach (var key in last.Keys.Where(k => k.Rollout == state.Id))
            {
                last.TryRemove(key, out _);
            }
        }
    }

    /// <summary>Writes every waiting point to the store now; a failed write is kept for the next flush, a refused (fenced) one dropped.</summary>
    public async Task FlushAsync(CancellationToken ct)
    {
        await writing.WaitAsync(ct);
        try
        {
            while (queue.Reader.TryRead(out var pending))
            {
                retry.Add(pending);
            }

            if (retry.Count > settings.MaxQueued)
            {
                retry.RemoveRange(0, retry.Count - settings.MaxQueued);
            }

            // Points keep the fence of the tick that judged them; consecutive runs with one fence go in one write.
            while (retry.Count > 0)
            {
                var fence = retry[0].Fence;
                var run = retry.TakeWhile(p => p.Fence == fence).ToList();
                try
                {
                    await store.AppendEvidencePointsAsync([.. run.Select(p => p.Point)], settings.MaxPoints, fence, ct);
                }
                catch (FencedException ex)
                {
                    EvidenceLog.Fenced(logger, ex, run.Count);
                }
                catch (ArgumentException ex)
                {
                    // A point the store can never take (a key over its length): retrying would block every later point.
                    EvidenceLog.Refused(logger, ex, run.Count);
                }

                retry.RemoveRange(0, run.Count);
            }
        }
        finally
        {
            writing.Release();
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            while (retry.Count > 0 || await queue.Reader.WaitToReadAsync(stoppingToken))
            {
                // Gathering for a moment turns a burst of ticks into one transaction.
                await Task.Delay(settings.FlushInterval, time, stoppingToken);
                await TryFlushAsync(stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down: StopAsync writes what is left.
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        using var bounded = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        bounded.CancelAfter(TimeSpan.FromSeconds(2));
        await TryFlushAsync(bounded.Token);
    }

    public override void Dispose()
    {
        writing.Dispose();
        base.Dispose();
    }

    private async Task TryFlushAsync(CancellationToken ct)
    {
        try
        {
            await FlushAsync(ct);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            // An unavailable store: the points wait (bounded) and are written on the next flush.
            EvidenceLog.WriteFailed(logger, ex, Waiting);
        }
        catch (OperationCanceledException)
        {
            // Shutting down with the store unreachable: what waits is lost, and the series has a gap there.
        }
    }

    private bool Worth(LastPoint previous, EvidencePointRow point, bool breached, DateTimeOffset now, bool finished)
    {
        var p = previous.Point;
        if (breached != previous.Breached)
        {
            return true;
        }

        var same = p.EValue == point.EValue && p.BaselineTrials == point.BaselineTrials && p.CandidateTrials == point.CandidateTrials
            && p.BaselineEvents == point.BaselineEvents && p.CandidateEvents == point.CandidateEvents;
        if (same && finished)
        {
            return false;
        }

        var ratio = point.EValue / p.EValue;
        var noticeable = !double.IsFinite(ratio) || ratio >= settings.NoticeableFactor || ratio <= 1 / settings.NoticeableFactor;
        // A tenth of the interval is slack: ticks come about every second, so a strict comparison with a 2 s interval would
        // record at 3 s whenever a tick ran a hair early (a fast rollback then kept only its first and its breaching point).
        return noticeable || now - p.At >= settings.MinInterval * 0.9;
    }

    private sealed record LastPoint(EvidencePointRow Point, bool Breached);

    private sealed record Pending(EvidencePointRow Point, LeaderFence? Fence);
}
