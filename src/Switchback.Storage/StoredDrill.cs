namespace Switchback.Storage;

/// <summary>One recorded rollback drill: who ran it, when, how it ended, and its full result as JSON (steps, timings, findings).</summary>
/// <param name="Id">The drill's id.</param>
/// <param name="Deployment">The deployment drilled.</param>
/// <param name="DryRun">True when it only checked and measured, without switching routing.</param>
/// <param name="Outcome">How it ended, e.g. <c>passed</c> or <c>failed</c>.</param>
/// <param name="StartedAt">When it started.</param>
/// <param name="Actor">Who ran it (API key name).</param>
/// <param name="Reason">Why, as given.</param>
/// <param name="ResultJson">The drill's result as a JSON object; the store keeps it as given.</param>
public sealed record StoredDrill(string Id, string Deployment, bool DryRun, string Outcome, DateTimeOffset StartedAt, string Actor, string Reason, string ResultJson);
