namespace Switchback.Control.Drills;

/// <summary>A rollback drill to run.</summary>
/// <param name="Deployment">The deployment to rehearse on.</param>
/// <param name="DryRun">Only resolve the target and check it is warm; never touch routing.</param>
/// <param name="Reason">Why, for the audit log.</param>
/// <param name="Actor">Who, for the audit log.</param>
internal sealed record DrillRequest(string Deployment, bool DryRun, string Reason, string Actor);
