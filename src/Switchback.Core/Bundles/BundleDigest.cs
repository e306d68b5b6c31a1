using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace Switchback.Core.Bundles;

/// <summary>The digest of a bundle: SHA-256 of its canonical JSON.</summary>
public static class BundleDigest
{
    /// <summary>"sha256:" followed by the 64 lower-case hex digits of SHA-256 over the UTF-8 bytes of <paramref name="canonicalJson"/>.</summary>
    public static string Compute(string canonicalJson)
    {
        ArgumentNullException.ThrowIfNull(canonicalJson);
        return "sha256:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonicalJson)));
    }

    /// <summary>
    /// Builds a <see cref="BundleContent"/> from already validated content (the manifest minus <c>kind</c> and <c>version</c>).
    /// Throws <see cref="ArgumentException"/> for an invalid deployment name or version, or content without canonical form.
    /// </summary>
    public static BundleContent Create(string deployment, int? requestedVersion, JsonObject content)
    {
        ArgumentNullException.ThrowIfNull(content);
        if (!DeploymentName.IsValid(deployment, out var error))
        {
            throw new ArgumentException(error, nameof(deployment));
        }

        if (requestedVersion is < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(requestedVersion), requestedVersion, "a version is a whole number from 1");
        }

        var canonical = CanonicalJson.Serialize(content);
        return new BundleContent(deployment, requestedVersion, canonical, Compute(canonical));
    }
}
