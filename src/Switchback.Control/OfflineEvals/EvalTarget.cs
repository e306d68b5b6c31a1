using Switchback.Core.Bundles;

namespace Switchback.Control.OfflineEvals;

/// <summary>What an evaluation run calls: a pinned version, through the gateway at <paramref name="Gateway"/>, with a key that may pin.</summary>
/// <param name="Version">The version evaluated (sent as <c>model: "deployment@V"</c>).</param>
/// <param name="BundleDigest">That version's bundle digest, recorded in the report.</param>
/// <param name="Gateway">The gateway's base address, e.g. <c>http://127.0.0.1:8800/</c>.</param>
/// <param name="ApiKey">An operator or admin key (pinning needs one); never logged or stored.</param>
public sealed record EvalTarget(VersionRef Version, string BundleDigest, Uri Gateway, string ApiKey)
{
    /// <inheritdoc />
    public override string ToString() => $"{Version} via {Gateway}";
}
