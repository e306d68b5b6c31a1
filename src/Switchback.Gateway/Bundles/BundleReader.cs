using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Fluid;
using Switchback.Core.Access;
using Switchback.Core.OnlineEvaluators;
using Switchback.Gateway.Templates;
using Switchback.Storage;

namespace Switchback.Gateway.Bundles;

/// <summary>
/// Parses a stored bundle's canonical JSON (field names as in docs/manifests.md) into a <see cref="ServingBundle"/>.
/// Templates are compiled once per digest: two versions with the same content share the compiled template.
/// Thread-safe.
/// </summary>
internal sealed class BundleReader(UpstreamKeyPolicy keyPolicy, TemplateRenderer renderer)
{
    /// <summary>The <c>serving</c> fields copied into a request when the client did not set them.</summary>
    public static readonly IReadOnlyList<string> DefaultFields =
        ["temperature", "top_p", "max_tokens", "stop", "seed", "presence_penalty", "frequency_penalty"];

    private readonly ConcurrentDictionary<string, (IFluidTemplate? Template, string? Error)> templates = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, (ResponseEvaluator? Evaluator, string? Error)> evaluators = new(StringComparer.Ordinal);

    public ServingBundle Read(StoredBundle stored)
    {
        ArgumentNullException.ThrowIfNull(stored);
        var root = JsonNode.Parse(stored.ContentJson) as JsonObject
            ?? throw new InvalidDataException($"bundle {stored.Deployment}@{stored.Version} is not a JSON object");
        var model = root["model"] as JsonObject
            ?? throw new InvalidDataException($"bundle {stored.Deployment}@{stored.Version} has no model");
        var endpointText = (string?)model["endpoint"];
        if (!Uri.TryCreate(endpointText, UriKind.Absolute, out var endpoint))
        {
            throw new InvalidDataException($"bundle {stored.Deployment}@{stored.Version} has no valid model.endpoint");
        }

        var prompt = root["prompt"] as JsonObject;
        var system = (string?)prompt?["system"];
        var (template, error) = system is null ? (null, null) : templates.GetOrAdd(stored.Digest, _ => TemplateRenderer.Compile(system));
        var variables = new Dictionary<string, JsonNode?>(StringComparer.Ordinal);
        if (prompt?["variables"] is JsonObject vars)
        {
            foreach (var (name, value) in vars)
            {
                variables[name] = value?.DeepClone();
            }
        }

        var serving = root["serving"] as JsonObject;
        var defaults = new Dictionary<string, JsonNode>(StringComparer.Ordinal);
        foreach (var field in DefaultFields)
        {
            if (serving?[field] is { } value)
            {
                defaults[field] = value.DeepClone();
            }
        }

        var (evaluator, evaluatorError) = root["evaluators"] is JsonObject section
            ? evaluators.GetOrAdd(stored.Digest, _ => BuildEvaluator(section))
            : (null, null);
        var apiKeyEnv = (string?)model["api_key_env"];
        var bundle = new ServingBundle(
            stored.Deployment,
            stored.Version,
            stored.Digest,
            !string.Equals((string?)model["provider"], "http", StringComparison.Ordinal),
            endpoint,
            (string?)model["name"],
            (string?)model["api_key_env"],
            template,
            error,
            variables,
            Pair(root["retrieval"] as JsonObject, "index"),
            Pair(root["tokenizer"] as JsonObject, "name"),
            defaults,
            serving?["timeout_ms"] is JsonValue t && t.TryGetValue<int>(out var ms) ? ms : null)
        {
            Evaluator = evaluator,
            EvaluatorError = evaluatorError,
            CredentialRefusal = apiKeyEnv is null ? null : keyPolicy.Refusal(apiKeyEnv),
        };
        return bundle with { Rewrite = BundleRewrite.For(bundle, system, renderer) };
    }

    /// <summary>
    /// Manifests are checked when registered, so an error here means a bundle stored before the check existed: it is
    /// served without evaluation rather than not at all, and the reason is kept on the bundle.
    /// </summary>
    private static (ResponseEvaluator?, string?) BuildEvaluator(JsonObject section)
    {
        try
        {
            return (new ResponseEvaluator(EvaluatorOptions.FromJson(section)), null);
        }
        catch (EvaluatorOptionsException ex)
        {
            return (null, string.Join("; ", ex.Errors.Select(e => $"{e.Path}: {e.Message}")));
        }
    }

    private static string? Pair(JsonObject? section, string nameField)
        => section is null ? null : $"{(string?)section[nameField]}@{(string?)section["version"]}";
}
