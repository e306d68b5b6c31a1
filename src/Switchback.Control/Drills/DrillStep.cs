namespace Switchback.Control.Drills;

/// <summary>One timed step of a drill.</summary>
/// <param name="Name">The step, e.g. <c>warm_check</c> (see <see cref="DrillSteps"/>).</param>
/// <param name="Ok">Whether it succeeded.</param>
/// <param name="DurationMs">How long it took, in milliseconds, on the injected clock.</param>
/// <param name="Detail">What it found, for people.</param>
internal sealed record DrillStep(string Name, bool Ok, double DurationMs, string Detail);
