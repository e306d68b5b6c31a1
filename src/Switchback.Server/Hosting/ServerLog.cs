using Microsoft.Extensions.Logging;

namespace Switchback.Server.Hosting;

/// <summary>Log messages of the server host.</summary>
internal static partial class ServerLog
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "Store ready ({StoreKind})")]
    public static partial void StoreReady(ILogger logger, string storeKind);

    [LoggerMessage(EventId = 2, Level = LogLevel.Error, Message = "Unhandled error on {Method} {Path}")]
    public static partial void Unhandled(ILogger logger, Exception exception, string method, string path);

    [LoggerMessage(EventId = 3, Level = LogLevel.Information, Message = "Rejected request on {Method} {Path}: {Status} {Reason}")]
    public static partial void Rejected(ILogger logger, string method, string path, int status, string reason);

    [LoggerMessage(EventId = 4, Level = LogLevel.Warning, Message = "Store unavailable on {Method} {Path}: {Problem}")]
    public static partial void StoreUnavailable(ILogger logger, Exception? exception, string method, string path, string problem);

    [LoggerMessage(EventId = 5, Level = LogLevel.Warning, Message = "No store existed, so created a new, empty store at {Location}; if one was expected there, stop the server and restore it")]
    public static partial void StoreCreated(ILogger logger, string location);

    [LoggerMessage(EventId = 6, Level = LogLevel.Information, Message = "TLS certificate reloaded from {Path}: {Subject}, valid until {NotAfter:u}")]
    public static partial void TlsCertificateReloaded(ILogger logger, string path, string subject, DateTime notAfter);

    [LoggerMessage(EventId = 7, Level = LogLevel.Warning, Message = "TLS certificate files changed but do not load, so the previous certificate is still served: {Problem}")]
    public static partial void TlsCertificateRefused(ILogger logger, string problem);
}
