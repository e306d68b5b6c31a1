using Switchback.Core.Rollouts;
using Switchback.Core.Routing;

namespace Switchback.Control.Runbooks;

/// <summary>Everything an on-call runbook shows, read from live state at one moment.</summary>
/// <param name="Deployment">The deployment.</param>
/// <param name="GeneratedAt">When the state was read.</param>
/// <param name="Routing">The routing in force.</param>
/// <param name="Aliases">Alias name to version.</param>
/// <param name="Versions">The newest versions, newest first.</param>
/// <param name="ActiveRollout">The unfinished rollout, if any.</param>
/// <param name="RollbackTarget">The version <c>switchback rollback</c> would go back to; null when there is none.</param>
/// <param name="LastDrill">The newest drill, if any.</param>
/// <param name="Health">Health of each routed version and of the rollback target.</param>
internal sealed record RunbookModel(
    string Deployment,
    DateTimeOffset GeneratedAt,
    RoutingState Routing,
    IReadOnlyDictionary<string, int> Aliases,
    IReadOnlyList<RunbookVersion> Versions,
    RolloutState? ActiveRollout,
    int? RollbackTarget,
    RunbookDrill? LastDrill,
    IReadOnlyList<RunbookHealth> Health);
