using System.Text.Json.Nodes;
using Fluid;
using Switchback.Core.OnlineEvaluators;

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

    /// <summary>The bundle's online evaluators; null when it has no <c>evaluators:</c> section (or an invalid one).</summary>
    public ResponseEvaluator? Evaluator { get; init; }

    /// <summary>Why a stored <c>evaluators:</c> section could not be used; null when it could (or there is none).</summary>
    public string? EvaluatorError { get; init; }

    /// <summary>
    /// Why this server's <see cref="Core.Access.UpstreamKeyPolicy"/> refuses the bundle's <c>model.api_key_env</c>; null when it
    /// allows it or the bundle names none. A refused bundle is never sent anywhere (it may have been registered under a looser policy).
    /// </summary>
    public string? CredentialRefusal { get; init; }

    /// <summary>
    /// Whether <paramref name="other"/> reaches the same store of Responses API responses and conversations as this bundle:
    /// both are <c>openai</c> bundles with the same <c>model.endpoint</c> (scheme, host, port and path; case of the host and a
    /// trailing slash aside) and the same credential reference (<c>model.api_key_env</c>, or neither names one). The model name,
    /// prompt and serving defaults may differ: an OpenAI-compatible server keeps responses per account, not per model.
    /// </summary>
    public bool SharesResponseStoreWith(ServingBundle other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return ReferenceEquals(this, other)
            || (IsOpenAi && other.IsOpenAi
                && string.Equals(StoreAddress(Endpoint), StoreAddress(other.Endpoint), StringComparison.Ordinal)
                && string.Equals(ApiKeyEnv, other.ApiKeyEnv, StringComparison.Ordinal));
    }

    private static string StoreAddress(Uri endpoint) => endpoint.GetLeftPart(UriPartial.Path).TrimEnd('/');

    /// <summary>The upstream credential read from the environment now; null when the bundle names none or the policy refuses its variable.</summary>
    public string? Credential() => ApiKeyEnv is { } env && CredentialRefusal is null ? Environment.GetEnvironmentVariable(env) : null;
}
