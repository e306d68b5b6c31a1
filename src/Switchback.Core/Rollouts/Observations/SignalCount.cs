namespace Switchback.Core.Rollouts;

/// <summary>The candidate's events of one signal in an interval, out of <see cref="Trials"/> (requests or comparisons).</summary>
/// <param name="Events">Events (errors, OOMs, violations; agreements for <c>shadow_agreement</c>).</param>
/// <param name="Trials">What the events are out of; unused for count signals.</param>
public sealed record SignalCount(long Events, long Trials);
