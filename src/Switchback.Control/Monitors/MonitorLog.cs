using Microsoft.Extensions.Logging;

namespace Switchback.Control.Monitors;

/// <summary>The monitor controller's log lines.</summary>
internal static partial class MonitorLog
{
    [LoggerMessage(Level = LogLevel.Error, Message = "monitors could not be read from the store; retried on the next tick")]
    public static partial void ListFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Error, Message = "monitor of {Deployment} failed; it starts again from its stored state on the next tick")]
    public static partial void StepFailed(ILogger logger, Exception exception, string deployment);

    [LoggerMessage(Level = LogLevel.Error, Message = "the stored monitor of {Deployment} is not a valid kind: Monitor document; apply it again")]
    public static partial void Unreadable(ILogger logger, string deployment);

    [LoggerMessage(Level = LogLevel.Warning, Message = "monitor of {Deployment}@{Version}: alarm on {Signal} (statistic {Statistic} >= {Threshold}); routing unchanged, a person decides")]
    public static partial void Alarmed(ILogger logger, string deployment, int version, string signal, double statistic, double threshold);
}
