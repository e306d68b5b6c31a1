using Microsoft.Extensions.Logging;

namespace Switchback.Control.Alerts;

/// <summary>Log messages of alert delivery. Receivers appear redacted (<see cref="AlertReceiverNames"/>): webhook URLs hold secrets.</summary>
internal static partial class AlertLog
{
    [LoggerMessage(EventId = 300, Level = LogLevel.Debug, Message = "Alert {Kind} for {Deployment} delivered to {Receiver} on attempt {Attempt}")]
    public static partial void Delivered(ILogger logger, string kind, string deployment, string receiver, int attempt);

    [LoggerMessage(EventId = 301, Level = LogLevel.Warning,
        Message = "Alert {Kind} for {Deployment} to {Receiver} failed on attempt {Attempt} ({Result}); retrying in {DelayMs} ms")]
    public static partial void Retrying(ILogger logger, string kind, string deployment, string receiver, int attempt, string result, long delayMs);

    [LoggerMessage(EventId = 302, Level = LogLevel.Error,
        Message = "Alert {Kind} for {Deployment} to {Receiver} failed for good on attempt {Attempt} ({Result})")]
    public static partial void GaveUp(ILogger logger, string kind, string deployment, string receiver, int attempt, string result);

    [LoggerMessage(EventId = 303, Level = LogLevel.Warning,
        Message = "Alert queue for {Receiver} is full; dropped its oldest alert, {Kind} for {Deployment}")]
    public static partial void Dropped(ILogger logger, string receiver, string kind, string deployment);

    [LoggerMessage(EventId = 304, Level = LogLevel.Warning, Message = "Alert {Kind} for {Deployment} to {Receiver} abandoned: {Reason}")]
    public static partial void Abandoned(ILogger logger, string kind, string deployment, string receiver, string reason);

    [LoggerMessage(EventId = 305, Level = LogLevel.Warning,
        Message = "Alert delivery did not finish within {DrainMs} ms of shutdown; abandoning what is left")]
    public static partial void DrainTimedOut(ILogger logger, long drainMs);

    [LoggerMessage(EventId = 306, Level = LogLevel.Error, Message = "Alert {Kind} for {Deployment} to {Receiver} failed unexpectedly")]
    public static partial void Crashed(ILogger logger, Exception exception, string kind, string deployment, string receiver);
}
