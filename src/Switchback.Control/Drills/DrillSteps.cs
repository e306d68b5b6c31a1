namespace Switchback.Control.Drills;

/// <summary>The names of a drill's steps, in the order they run.</summary>
internal static class DrillSteps
{
    public const string ResolveTarget = "resolve_target";
    public const string WarmCheck = "warm_check";
    public const string SwitchToTarget = "switch_to_target";
    public const string VerifyTarget = "verify_target_serves";
    public const string SwitchBack = "switch_back";
}
