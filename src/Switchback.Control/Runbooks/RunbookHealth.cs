namespace Switchback.Control.Runbooks;

/// <summary>One version's health as this gateway last saw it.</summary>
/// <param name="Version">The version.</param>
/// <param name="Role">Why it is listed: <c>stable</c>, <c>candidate</c>, <c>shadow</c> or <c>rollback target</c>.</param>
/// <param name="State">healthy, degraded, unhealthy or unknown.</param>
/// <param name="Detail">The last probe or check error, or its latency.</param>
internal sealed record RunbookHealth(int Version, string Role, string State, string Detail);
