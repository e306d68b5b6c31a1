using Microsoft.Extensions.Logging;

namespace Switchback.Control.Drills;

/// <summary>Log messages of drills.</summary>
internal static partial class DrillLog
{
    [LoggerMessage(EventId = 5101, Level = LogLevel.Information, Message = "Drill {Id} on {Deployment}: {Outcome} in {TotalMs} ms")]
    public static partial void Finished(ILogger logger, string deployment, string id, string outcome, double totalMs);

    [LoggerMessage(EventId = 5102, Level = LogLevel.Critical, Message = "A drill on {Deployment} could NOT restore routing: {Problem}")]
    public static partial void RestoreFailed(ILogger logger, string deployment, string problem);
}
