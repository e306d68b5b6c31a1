using Microsoft.Extensions.Logging;

namespace Switchback.Control.Rollouts;

/// <summary>The controller's log lines.</summary>
internal static partial class RolloutLog
{
    [LoggerMessage(Level = LogLevel.Information, Message = "rollout {Id} of {Deployment}: {Decision} ({Phase}): {Reason}")]
    public static partial void Decided(ILogger logger, string id, string deployment, string decision, string phase, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "rollout {Id} of {Deployment} changed elsewhere; it is reloaded on the next tick")]
    public static partial void Stale(ILogger logger, string id, string deployment);

    [LoggerMessage(Level = LogLevel.Error, Message = "rollout tick failed for {Deployment}; it is retried on the next tick")]
    public static partial void TickFailed(ILogger logger, Exception exception, string deployment);

    [LoggerMessage(Level = LogLevel.Error, Message = "rollouts could not be read from the store; retried on the next tick")]
    public static partial void ListFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Information, Message = "rollout {Id} of {Deployment}: routing re-applied after a restart (generation {Generation})")]
    public static partial void Reapplied(ILogger logger, string id, string deployment, long generation);

    [LoggerMessage(Level = LogLevel.Warning, Message = "rollout {Id} of {Deployment}: the gate could not run")]
    public static partial void GateError(ILogger logger, Exception exception, string id, string deployment);
}
