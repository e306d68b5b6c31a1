using System.Collections.Frozen;
using System.IO.Compression;
using System.Security.Cryptography;

namespace Switchback.Server.Dashboard;

/// <summary>
/// The console's files, embedded in this assembly (so <c>/ui/</c> works offline and cannot drift from the binary) and
/// loaded once at start-up. ASP.NET's static-file middleware would need a file provider and a manifest package for three
/// files; a frozen dictionary of byte arrays with a precomputed gzip copy and ETag is smaller and serves faster.
/// </summary>
internal static class DashboardAssets
{
    private const string ResourcePrefix = "Switchback.Server.Dashboard.wwwroot.";

    private static readonly FrozenDictionary<string, string> ContentTypes = new Dictionary<string, string>
    {
        [".html"] = "text/html; charset=utf-8",
        [".css"] = "text/css; charset=utf-8",
        [".js"] = "text/javascript; charset=utf-8",
        [".svg"] = "image/svg+xml",
    }.ToFrozenDictionary();

    /// <summary>Every asset by file name (<c>index.html</c>, <c>console.js</c>, …).</summary>
    public static FrozenDictionary<string, DashboardAsset> All { get; } = Load();

    private static FrozenDictionary<string, DashboardAsset> Load()
    {
        var assembly = typeof(DashboardAssets).Assembly;
        var assets = new Dictionary<string, DashboardAsset>(StringComparer.Ordinal);
        foreach (var resource in assembly.GetManifestResourceNames().Where(n => n.StartsWith(ResourcePrefix, StringComparison.Ordinal)))
        {
            var name = resource[ResourcePrefix.Length..];
            using var stream = assembly.GetManifestResourceStream(resource)!;
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            var body = copy.ToArray();
            using var zipped = new MemoryStream();
            using (var gzip = new GZipStream(zipped, CompressionLevel.SmallestSize, leaveOpen: true))
            {
                gzip.Write(body);
            }

            var etag = "\"" + Convert.ToHexStringLower(SHA256.HashData(body))[..16] + "\"";
            var type = ContentTypes.GetValueOrDefault(Path.GetExtension(name), "application/octet-stream");
            assets[name] = new DashboardAsset(type, body, zipped.ToArray(), etag);
        }

        return assets.ToFrozenDictionary(StringComparer.Ordinal);
    }
}
