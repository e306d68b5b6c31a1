namespace Switchback.Core.Monitors;

/// <summary>What a monitor compares each batch with (docs/statistics.md "monitors").</summary>
public enum MonitorSeasonality
{
    /// <summary>The same hour of the day on the earlier days of the baseline window: a daily traffic cycle is not drift.</summary>
    Daily,

    /// <summary>The whole baseline window alike: right only when the signal has no daily cycle.</summary>
    None,
}
