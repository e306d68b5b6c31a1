using Microsoft.Extensions.Logging;

namespace Switchback.Control.Admin;

/// <summary>Log messages of the admin API. Keys are identified by name only; secrets are never logged.</summary>
internal static partial class AdminLog
{
    [LoggerMessage(EventId = 100, Level = LogLevel.Warning, Message = "Admin request to {Path} refused: {Reason}")]
    public static partial void Refused(ILogger logger, string path, string reason);

    [LoggerMessage(EventId = 101, Level = LogLevel.Information, Message = "{Action} {Target} by key {KeyName}: {Outcome}")]
    public static partial void Changed(ILogger logger, string action, string target, string keyName, string outcome);
}
