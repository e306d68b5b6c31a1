namespace Switchback.Gateway.Health;

/// <summary>What one probe or synthetic request saw.</summary>
internal sealed record ProbeResult(DateTimeOffset At, double LatencyMs, int? Status, string? Error)
{
    public bool Ok => Error is null;
}
