using Microsoft.Extensions.Logging;
using Switchback.Storage.Fleet;

namespace Switchback.Control.Rollouts.Evidence;

/// <summary>The evidence recorder's log lines.</summary>
internal static partial class EvidenceLog
{
    [LoggerMessage(Level = LogLevel.Information, Message = "{Count} evidence points judged by a deposed leader were refused by the store and dropped")]
    public static partial void Fenced(ILogger logger, FencedException exception, int count);

    [LoggerMessage(Level = LogLevel.Error, Message = "{Count} evidence points were refused by the store and dropped")]
    public static partial void Refused(ILogger logger, ArgumentException exception, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "evidence points could not be written; {Waiting} wait and are retried")]
    public static partial void WriteFailed(ILogger logger, Exception exception, int waiting);
}
