using Switchback.Control.OfflineEvals;
using Switchback.Core.Rollouts;

namespace Switchback.Control.Rollouts;

/// <summary>Runs a rollout's offline gate (docs/evals.md "Rollout gates"); the controller calls it outside its lock.</summary>
internal interface IGateRunner
{
    /// <summary>Runs <paramref name="rollout"/>'s gate on <paramref name="datasetText"/>; throws when it cannot run.</summary>
    Task<GateRun> RunAsync(RolloutState rollout, string datasetText, CancellationToken cancellationToken);
}
