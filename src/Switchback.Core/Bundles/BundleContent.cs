using System.Text.Json.Nodes;

namespace Switchback.Core.Bundles;

/// <summary>
/// A validated bundle as read from a manifest: the deployment it belongs to, the version it asks for (if any),
/// its content in canonical JSON and that content's digest. The content excludes <c>kind</c> and <c>version</c>,
/// so registering the same content with or without an explicit version yields the same digest.
/// </summary>
/// <param name="Deployment">The deployment name.</param>
/// <param name="RequestedVersion">The explicit version from the manifest, or null for "next number".</param>
/// <param name="CanonicalJson">The canonical JSON of the content (see docs/canonical-json.md).</param>
/// <param name="Digest">"sha256:" followed by 64 lower-case hex digits of <paramref name="CanonicalJson"/>'s UTF-8 bytes.</param>
public sealed record BundleContent(string Deployment, int? RequestedVersion, string CanonicalJson, string Digest)
{
    /// <summary>Parses <see cref="CanonicalJson"/> into a fresh mutable tree.</summary>
    public JsonObject ToJsonObject() => (JsonObject)JsonNode.Parse(CanonicalJson)!;
}
