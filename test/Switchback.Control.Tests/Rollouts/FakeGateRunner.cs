using Switchback.Control.OfflineEvals;
using Switchback.Control.Rollouts;
using Switchback.Core.Rollouts;
using Switchback.Storage;

namespace Switchback.Control.Tests.Rollouts;

/// <summary>
/// A gate whose outcome the test sets: each run waits until <see cref="Finish"/> or <see cref="Fail"/> is called, so a test
/// can see the controller keep routing on stable while the gate runs, and that the gate never runs inside <c>BeginAsync</c>.
/// </summary>
internal sealed class FakeGateRunner : IGateRunner
{
    // One outcome for every run: the test may set it before the background gate has even called RunAsync.
    private readonly TaskCompletionSource<GateRun> pending = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public List<(string RolloutId, string Dataset)> Runs { get; } = [];

    public Task<GateRun> RunAsync(RolloutState rollout, string datasetText, CancellationToken cancellationToken)
    {
        lock (Runs)
        {
            Runs.Add((rollout.Id, datasetText));
        }

        return pending.Task.WaitAsync(cancellationToken);
    }

    /// <summary>Completes the running gate with these mean scores (reports #1 and #2).</summary>
    public void Finish(double candidate, double? stable)
    {
        var c = Report(1, 2, candidate);
        var s = stable is { } v ? Report(2, 1, v) : null;
        pending.SetResult(new GateRun(new GateResult(candidate, stable), c, s));
    }

    /// <summary>Makes the running gate throw, as when the candidate's upstream cannot be reached at all.</summary>
    public void Fail(string message) => pending.SetException(new InvalidOperationException(message));

    private static StoredEvalReport Report(long id, int version, double mean)
        => new(id, ControllerHarness.Deployment, version, "sha256:b", "sha256:d", mean, mean, 10, 0, DateTimeOffset.UnixEpoch, "rollout:r", null);
}
