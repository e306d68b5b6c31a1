namespace Switchback.Gateway.Signals;

/// <summary>Failed requests by class over a time range.</summary>
public sealed record ErrorCounts(long Http5xx, long Timeout, long Connect, long Oom)
{
    /// <summary>All failed requests.</summary>
    public long Total => Http5xx + Timeout + Connect + Oom;
}
