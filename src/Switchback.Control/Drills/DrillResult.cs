using Switchback.Core.Routing;

namespace Switchback.Control.Drills;

/// <summary>What a drill did, step by step.</summary>
/// <param name="Id">The drill's id (<c>drill-…</c>).</param>
/// <param name="Deployment">The deployment.</param>
/// <param name="DryRun">Whether routing was left alone.</param>
/// <param name="Status">How it ended.</param>
/// <param name="StartedAt">When it started.</param>
/// <param name="Reason">Why it ran.</param>
/// <param name="Actor">Who ran it.</param>
/// <param name="Target">The version a rollback would go back to; null when there is none.</param>
/// <param name="Routing">The routing in force when the drill started (and that it restores).</param>
/// <param name="Steps">The steps that ran, in order.</param>
/// <param name="Findings">What went wrong, one sentence each; empty when it passed.</param>
/// <param name="Restored">Whether routing was restored exactly; null when it was never switched.</param>
/// <param name="SwitchWindowMs">How long users were routed to the target (switch to restore), in milliseconds; null without a switch.</param>
/// <param name="TotalMs">The whole drill, in milliseconds.</param>
internal sealed record DrillResult(
    string Id,
    string Deployment,
    bool DryRun,
    DrillStatus Status,
    DateTimeOffset StartedAt,
    string Reason,
    string Actor,
    int? Target,
    RoutingState? Routing,
    IReadOnlyList<DrillStep> Steps,
    IReadOnlyList<string> Findings,
    bool? Restored,
    double? SwitchWindowMs,
    double TotalMs);
