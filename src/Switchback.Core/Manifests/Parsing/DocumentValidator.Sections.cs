using System.Text.Json.Nodes;
using Switchback.Core.Bundles;

namespace Switchback.Core.Manifests.Parsing;

/// <summary>The <c>kind: Bundle</c> schema: <c>retrieval</c>, <c>tokenizer</c>, <c>serving</c>, <c>lineage</c>, <c>labels</c>.</summary>
internal sealed partial class DocumentValidator
{
    private static readonly string[] ServingFields = ["temperature", "top_p", "max_tokens", "stop", "timeout_ms", "seed", "presence_penalty", "frequency_penalty"];
    private static readonly string[] LineageFields = ["git_commit", "data", "run", "eval_report", "parent"];

    /// <summary>A section that pins a named, versioned artefact: <c>retrieval</c> (index, version) or <c>tokenizer</c> (name, version).</summary>
    private JsonObject? Pinned(MappingNode root, string key, string nameField, string nameExpected)
    {
        var map = Section(root, string.Empty, key, [nameField, "version"]);
        if (map is null)
        {
            return null;
        }

        var section = new JsonObject();
        CopyText(map, section, key, nameField, nameExpected, required: true);
        CopyText(map, section, key, "version", "a version (text; 3 and 2026-11-20 are taken as written)", required: true);
        return section;
    }

    private JsonObject? Serving(MappingNode root)
    {
        var map = Section(root, string.Empty, "serving", ServingFields);
        if (map is null)
        {
            return null;
        }

        var serving = new JsonObject();
        CopyNumber(map, serving, "serving", "temperature", 0, 2, integer: false);
        CopyNumber(map, serving, "serving", "top_p", 0, 1, integer: false);
        CopyNumber(map, serving, "serving", "max_tokens", 1, int.MaxValue, integer: true);
        CopyNumber(map, serving, "serving", "timeout_ms", 1, int.MaxValue, integer: true);
        CopyNumber(map, serving, "serving", "seed", long.MinValue, long.MaxValue, integer: true);
        CopyNumber(map, serving, "serving", "presence_penalty", double.MinValue, double.MaxValue, integer: false);
        CopyNumber(map, serving, "serving", "frequency_penalty", double.MinValue, double.MaxValue, integer: false);
        switch (Get(map, "stop"))
        {
            case null:
                break;
            case SequenceNode list:
                var stops = new JsonArray();
                for (var i = 0; i < list.Items.Count; i++)
                {
                    if (list.Items[i] is ScalarNode { IsNull: false } item)
                    {
                        stops.Add(item.Text);
                    }
                    else
                    {
                        Error(FieldPath.Item("serving.stop", i), $"expected a stop string, got {Describe(list.Items[i])}", list.Items[i]);
                    }
                }

                serving["stop"] = stops;
                break;
            default:
                CopyText(map, serving, "serving", "stop", "a stop string or a list of stop strings");
                break;
        }

        return serving;
    }

    private JsonObject? Lineage(MappingNode root)
    {
        var map = Section(root, string.Empty, "lineage", LineageFields);
        if (map is null)
        {
            return null;
        }

        var lineage = new JsonObject();
        foreach (var field in LineageFields)
        {
            CopyText(map, lineage, "lineage", field, "text");
        }

        return lineage;
    }

    private JsonObject? Labels(MappingNode root)
    {
        var node = Get(root, "labels");
        if (node is null)
        {
            return null;
        }

        if (node is not MappingNode map)
        {
            Error("labels", $"expected a mapping of label names to text, got {Describe(node)}", node);
            return null;
        }

        var labels = new JsonObject();
        foreach (var (key, _) in map.Entries)
        {
            if (key.Length == 0)
            {
                Error("labels", "a label name must not be empty", map);
                continue;
            }

            CopyText(map, labels, "labels", key, "a label value (text)");
        }

        return labels;
    }
}
