using System.Text.Json;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Switchback.Control.Admin;
using Switchback.Core.Bundles;
using Switchback.Core.OfflineEvals;
using Switchback.Storage;

namespace Switchback.Control.OfflineEvals;

/// <summary>Where offline eval runs go: through this process's own gateway, and into the store with the version they measured.</summary>
internal static class EvalReports
{
    /// <summary>Stores <paramref name="report"/> with <paramref name="version"/> (audited as <c>eval.run</c>).</summary>
    public static Task<StoredEvalReport?> StoreAsync(IRegistryStore store, VersionRef version, EvalReport report, string actor, CancellationToken ct)
        => store.AddEvalReportAsync(
            version,
            new NewEvalReport(report.BundleDigest, report.DatasetDigest, report.Aggregate.MeanScore, report.Aggregate.PassRate, report.Aggregate.Count,
                report.Aggregate.Errors, JsonSerializer.Serialize(report, AdminJson.Options)),
            new AuditContext(actor),
            ct);

    /// <summary>This process's own listening address: the run goes through the same gateway users reach.</summary>
    public static Uri GatewayAddress(IServer server)
    {
        var address = server.Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault()
            ?? throw new InvalidOperationException("the server has no listening address");
        var uri = new UriBuilder(address);
        if (uri.Host is "0.0.0.0" or "[::]" or "::" or "+" or "*")
        {
            uri.Host = "127.0.0.1";
        }

        uri.Path = "/";
        return uri.Uri;
    }
}
