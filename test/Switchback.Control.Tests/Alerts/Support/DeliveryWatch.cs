using Switchback.Control.Alerts;

namespace Switchback.Control.Tests.Alerts.Support;

/// <summary>Lets a test await a delivery-log record, e.g. "attempt 1 is retrying", before it advances the fake clock.</summary>
internal sealed class DeliveryWatch
{
    private readonly Lock gate = new();
    private readonly List<AlertDeliveryAttempt> seen = [];
    private readonly List<(Func<AlertDeliveryAttempt, bool> Match, TaskCompletionSource<AlertDeliveryAttempt> Done)> waiting = [];

    public DeliveryWatch(AlertDeliveryLog log) => log.Recorded += OnRecorded;

    public IReadOnlyList<AlertDeliveryAttempt> Seen
    {
        get
        {
            lock (gate)
            {
                return [.. seen];
            }
        }
    }

    /// <summary>The first record, past or future, that matches; fails the test after 30 s (a safety net).</summary>
    public async Task<AlertDeliveryAttempt> WaitForAsync(Func<AlertDeliveryAttempt, bool> match)
    {
        TaskCompletionSource<AlertDeliveryAttempt> done;
        lock (gate)
        {
            if (seen.FirstOrDefault(match) is { } already)
            {
                return already;
            }

            done = new TaskCompletionSource<AlertDeliveryAttempt>(TaskCreationOptions.RunContinuationsAsynchronously);
            waiting.Add((match, done));
        }

        return await done.Task.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
    }

    public Task<AlertDeliveryAttempt> WaitForAsync(string deployment, AlertDeliveryOutcome outcome, int? attempt = null) =>
        WaitForAsync(a => a.Deployment == deployment && a.Outcome == outcome && (attempt is null || a.Attempt == attempt));

    private void OnRecorded(AlertDeliveryAttempt attempt)
    {
        List<TaskCompletionSource<AlertDeliveryAttempt>> matched = [];
        lock (gate)
        {
            seen.Add(attempt);
            for (var i = waiting.Count - 1; i >= 0; i--)
            {
                if (waiting[i].Match(attempt))
                {
                    matched.Add(waiting[i].Done);
                    waiting.RemoveAt(i);
                }
            }
        }

        foreach (var done in matched)
        {
            done.TrySetResult(attempt);
        }
    }
}
