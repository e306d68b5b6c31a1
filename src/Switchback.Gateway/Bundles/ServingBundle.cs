using System.Text.Json.Nodes;
using Fluid;

namespace Switchback.Gateway.Bundles;

/// <summary>
/// One registered bundle, parsed once into what the data plane needs per request. Immutable (bundles never change),
/// so it is cached forever by (deployment, version).
/// </summary>
internal sealed record ServingBundle(
    string Deployment,
    int Version,
    string Digest,
    bool IsOpenAi,
    Uri Endpoint,
    string? ModelName,
    string? ApiKeyEnv,
    IFluidTemplate? SystemTemplate,
    string? TemplateError,
    IReadOnlyDictionary<string, JsonNode?> Variables,
    string? Retrieval,
    string? Tokenizer,
    IReadOnlyDictionary<string, JsonNode> ServingDefaults,
    int? TimeoutMs)
{
    /// <summary>The request rewrite prepared from this bundle (set by <see cref="BundleReader"/>).</summary>
    public BundleRewrite Rewrite { get; init; } = null!;
}
