using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Switchback.Core.Bundles;

namespace Switchback.Core.Manifests.Parsing;

/// <summary>The <c>kind: Bundle</c> schema: top level, <c>model</c> and <c>prompt</c>.</summary>
internal sealed partial class DocumentValidator
{
    private static readonly string[] TopFields = ["kind", "deployment", "version", "model", "prompt", "retrieval", "tokenizer", "serving", "lineage", "labels", "evaluators"];
    private static readonly string[] ModelFields = ["provider", "endpoint", "name", "weights", "api_key_env"];
    private static readonly string[] PromptFields = ["engine", "system", "user_prefix", "user_suffix", "variables"];

    private BundleManifest? ValidateBundle(MappingNode map)
    {
        CheckKnown(map, string.Empty, TopFields);
        var deployment = Deployment(map);
        var version = RequestedVersion(map);
        var content = new JsonObject();
        if (deployment is not null)
        {
            content["deployment"] = deployment;
        }

        if (Get(map, "model") is null)
        {
            Error("model", "required field is missing: expected a mapping with provider and endpoint", map);
        }

        AddSection(content, "model", Model(map));
        AddSection(content, "prompt", Prompt(map));
        AddSection(content, "retrieval", Pinned(map, "retrieval", "index", "an index name"));
        AddSection(content, "tokenizer", Pinned(map, "tokenizer", "name", "a tokenizer name"));
        AddSection(content, "serving", Serving(map));
        AddSection(content, "lineage", Lineage(map));
        AddSection(content, "labels", Labels(map));
        AddSection(content, "evaluators", Evaluators(map));
        return deployment is null ? null : new BundleManifest(index, BundleDigest.Create(deployment, version, content));
    }

    private static void AddSection(JsonObject content, string key, JsonObject? section)
    {
        if (section is not null)
        {
            content[key] = section;
        }
    }

    private int? RequestedVersion(MappingNode map)
    {
        var target = new JsonObject();
        CopyNumber(map, target, string.Empty, "version", 1, int.MaxValue, integer: true);
        return target["version"] is { } v ? int.Parse(v.ToJsonString(), CultureInfo.InvariantCulture) : null;
    }

    private JsonObject? Model(MappingNode root)
    {
        if (Get(root, "model") is MappingNode raw && Get(raw, "api_key") is { } secret)
        {
            // Reported before the generic unknown-field error so the fix is spelled out; the value is never echoed.
            Error("model.api_key", "a secret is never written in a manifest: put it in an environment variable and give that variable's name in api_key_env", secret);
        }

        var map = Section(root, string.Empty, "model", ModelFields);
        if (map is null)
        {
            return null;
        }

        var model = new JsonObject();
        CopyText(map, model, "model", "provider", "openai or http", required: true,
            check: p => p is "openai" or "http" ? null : $"'{p}' is not a provider: expected openai (any OpenAI-compatible server) or http (raw passthrough)");
        CopyText(map, model, "model", "endpoint", "an absolute http or https URL", required: true, check: CheckEndpoint);
        var openai = model["provider"]?.GetValue<string>() == "openai";
        CopyText(map, model, "model", "name", "the model name sent upstream", required: openai);
        CopyText(map, model, "model", "weights", "sha256:<64 hex digits> or a URI", check: CheckWeights);
        CopyText(map, model, "model", "api_key_env", "an environment variable name", check: n => EnvName().IsMatch(n) ? null
            : "expected the NAME of an environment variable (letters, digits and '_', not starting with a digit, e.g. VLLM_API_KEY); the secret itself is never written in a manifest");
        return model;
    }

    private static string? CheckEndpoint(string url)
        => Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https" && uri.Host.Length > 0
            ? null
            : $"'{url}' is not an absolute http or https URL (e.g. http://127.0.0.1:9001/v1)";

    private static string? CheckWeights(string weights)
    {
        if (weights.StartsWith("sha256:", StringComparison.Ordinal))
        {
            return Sha256Digest().IsMatch(weights) ? null : $"'{weights}' is not sha256: followed by 64 lower-case hex digits";
        }

        // A URI needs a scheme of two letters or more: on Unix "/models/x" would otherwise parse as a file URI, and "C:" is a drive.
        return UriScheme().IsMatch(weights) && Uri.TryCreate(weights, UriKind.Absolute, out _) ? null
            : $"'{weights}' is neither sha256:<64 hex digits> nor an absolute URI (e.g. s3://models/llama.safetensors)";
    }

    private JsonObject? Prompt(MappingNode root)
    {
        var map = Section(root, string.Empty, "prompt", PromptFields);
        if (map is null)
        {
            return null;
        }

        var prompt = new JsonObject();
        CopyText(map, prompt, "prompt", "engine", "liquid", check: e => e == "liquid" ? null : $"'{e}' is not a template engine: expected liquid");
        CopyText(map, prompt, "prompt", "system", "a template string");
        CopyText(map, prompt, "prompt", "user_prefix", "a template string");
        CopyText(map, prompt, "prompt", "user_suffix", "a template string");
        var variables = Get(map, "variables");
        if (variables is MappingNode vars)
        {
            var target = new JsonObject();
            foreach (var (key, value) in vars.Entries)
            {
                var path = FieldPath.Child("prompt.variables", key);
                if (value is ScalarNode)
                {
                    target[key] = CoreValue(value, path);
                }
                else
                {
                    Error(path, $"expected a scalar (text, number, true/false or null), got {Describe(value)}", value);
                }
            }

            prompt["variables"] = target;
        }
        else if (variables is not null)
        {
            Error("prompt.variables", $"expected a mapping of names to values, got {Describe(variables)}", variables);
        }

        return prompt;
    }

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]*$")]
    private static partial Regex EnvName();

    [GeneratedRegex("^[A-Za-z][A-Za-z0-9+.-]+:")]
    private static partial Regex UriScheme();

    [GeneratedRegex("^sha256:[0-9a-f]{64}$")]
    private static partial Regex Sha256Digest();
}
