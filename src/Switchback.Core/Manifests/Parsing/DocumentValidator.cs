using System.Text.Json.Nodes;
using Switchback.Core.Bundles;

namespace Switchback.Core.Manifests.Parsing;

/// <summary>
/// Validates one parsed document against the manifest schema (docs/manifests.md), collecting every error it finds, and builds
/// the typed document. Plain scalars are typed by the field they fill; free maps use the YAML 1.2 core schema.
/// </summary>
internal sealed partial class DocumentValidator(string source, int index, List<ManifestError> errors)
{
    /// <summary>The validated document, or null when it had errors (which were added to the list).</summary>
    public ManifestDocument? Validate(SourceNode root)
    {
        var before = errors.Count;
        if (root is not MappingNode map)
        {
            Error(ManifestError.DocumentPath, $"expected a mapping with kind: Bundle, Rollout or Monitor, got {Describe(root)}", root);
            return null;
        }

        var kind = RequiredText(map, string.Empty, "kind", "Bundle, Rollout or Monitor");
        if (kind is not null and not "Bundle" and not "Rollout" and not "Monitor")
        {
            Error("kind", $"'{kind}' is not a manifest kind: expected Bundle, Rollout or Monitor", Get(map, "kind"));
        }

        ManifestDocument? document = kind switch
        {
            "Bundle" => ValidateBundle(map),
            "Rollout" => ValidateRollout(map),
            "Monitor" => ValidateMonitor(map),
            _ => null,
        };
        return errors.Count == before ? document : null;
    }

    private RolloutManifest? ValidateRollout(MappingNode map)
    {
        var deployment = Deployment(map);
        var spec = new JsonObject();
        foreach (var (key, value) in map.Entries)
        {
            if (key != "kind")
            {
                spec[key] = CoreValue(value, key);
            }
        }

        return deployment is null ? null : new RolloutManifest(index, deployment, spec);
    }

    private string? Deployment(MappingNode map)
    {
        var deployment = RequiredText(map, string.Empty, "deployment", "a deployment name such as support-bot");
        if (deployment is not null && !DeploymentName.IsValid(deployment, out var problem))
        {
            Error("deployment", problem, Get(map, "deployment"));
            return null;
        }

        return deployment;
    }

    /// <summary>The node converted with the YAML 1.2 core schema, recursively.</summary>
    private JsonNode? CoreValue(SourceNode node, string path)
    {
        switch (node)
        {
            case MappingNode map:
                var obj = new JsonObject();
                foreach (var (key, value) in map.Entries)
                {
                    obj[key] = CoreValue(value, FieldPath.Child(path, key));
                }

                return obj;
            case SequenceNode seq:
                var array = new JsonArray();
                for (var i = 0; i < seq.Items.Count; i++)
                {
                    array.Add(CoreValue(seq.Items[i], FieldPath.Item(path, i)));
                }

                return array;
            default:
                var result = ScalarTyping.Core((ScalarNode)node, out var error);
                if (error is not null)
                {
                    Error(path, error, node);
                }

                return result;
        }
    }

    private void Error(string path, string message, SourceNode? node)
        => errors.Add(new ManifestError(source, index, path.Length == 0 ? ManifestError.DocumentPath : path, message + node?.Where));

    private static SourceNode? Get(MappingNode map, string key)
    {
        foreach (var (k, value) in map.Entries)
        {
            if (k == key)
            {
                return value;
            }
        }

        return null;
    }

    private static string Describe(SourceNode? node) => node switch
    {
        MappingNode => "a mapping",
        SequenceNode => "a list",
        ScalarNode { IsNull: true } => "nothing (null)",
        ScalarNode { Quoted: true } s => $"the string \"{Shorten(s.Text)}\"",
        ScalarNode s => $"'{Shorten(s.Text)}'",
        _ => "nothing",
    };

    private static string Shorten(string text) => text.Length <= 40 ? text : text[..40] + "…";
}
