namespace Switchback.Control.Runbooks;

/// <summary>The last drill as the runbook shows it.</summary>
/// <param name="Id">The drill's id.</param>
/// <param name="StartedAt">When it ran.</param>
/// <param name="DryRun">Whether it only checked.</param>
/// <param name="Outcome">passed or failed.</param>
/// <param name="Actor">Who ran it.</param>
/// <param name="Steps">Step name, success and duration in milliseconds.</param>
/// <param name="Findings">What went wrong.</param>
/// <param name="SwitchWindowMs">How long users were on the target, for a full drill.</param>
internal sealed record RunbookDrill(
    string Id,
    DateTimeOffset StartedAt,
    bool DryRun,
    string Outcome,
    string Actor,
    IReadOnlyList<(string Name, bool Ok, double DurationMs)> Steps,
    IReadOnlyList<string> Findings,
    double? SwitchWindowMs);
