using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using FsCheck;
using FsCheck.Fluent;
using Switchback.Core.Bundles;
using Switchback.Core.Manifests;

namespace Switchback.Core.Tests.Manifests;

public sealed class ManifestDigestPropertyTests
{
    private static readonly string[] Texts = ["Acme", "friendly", "a b", "quote\"d", "ü", "😀", "x: y", "# not a comment", "- item", "yes", "2026-11-20", "true", "3", "null", "{{ tone }}", "line\nbreak"];
    private static readonly string[] Names = ["owner", "team", "tone", "company", "x", "a.b", "é"];

    /// <summary>A random bundle manifest as a tree: labels, lineage and variables of random text, serving numbers.</summary>
    private static Gen<(JsonObject Manifest, int Seed)> Manifests { get; } =
        from labels in Gen.SubListOf(Names)
        from labelValues in Gen.CollectToList(labels, _ => Gen.Elements(Texts))
        from vars in Gen.SubListOf(Names)
        from varValues in Gen.CollectToList(vars, _ => Gen.OneOf(
            Gen.Elements(Texts).Select(t => (JsonNode?)t), Gen.Choose(-1000, 1000).Select(i => (JsonNode?)(long)i),
            Gen.Choose(0, 1000).Select(i => (JsonNode?)(i / 100.0)), Gen.Elements<JsonNode?>(true, false, null)))
        from temperature in Gen.Choose(0, 200)
        from maxTokens in Gen.Choose(1, 100_000)
        from commit in Gen.Elements(Texts)
        from seed in Gen.Choose(0, int.MaxValue)
        select (Build(labels, labelValues, vars, varValues, temperature / 100.0, maxTokens, commit), seed);

    private static JsonObject Build(IList<string> labels, IList<string> labelValues, IList<string> vars, IList<JsonNode?> varValues, double temperature, int maxTokens, string commit)
    {
        var labelMap = new JsonObject();
        for (var i = 0; i < labels.Count; i++)
        {
            labelMap[labels[i]] = labelValues[i];
        }

        var varMap = new JsonObject();
        for (var i = 0; i < vars.Count; i++)
        {
            varMap[vars[i]] = varValues[i]?.DeepClone();
        }

        return new JsonObject
        {
            ["kind"] = "Bundle",
            ["deployment"] = "support-bot",
            ["model"] = new JsonObject { ["provider"] = "openai", ["endpoint"] = "http://127.0.0.1:9001/v1", ["name"] = "llama" },
            ["prompt"] = new JsonObject { ["system"] = "You are {{ company }}.", ["variables"] = varMap },
            ["serving"] = new JsonObject { ["temperature"] = temperature, ["max_tokens"] = (long)maxTokens, ["stop"] = new JsonArray("###", "</s>") },
            ["lineage"] = new JsonObject { ["git_commit"] = commit },
            ["labels"] = labelMap,
        };
    }

    private static BundleContent Read(string text)
    {
        var result = ManifestReader.Read(text, "generated");
        Assert.True(result.IsValid, string.Join("\n", result.Errors) + "\n" + text);
        return ((BundleManifest)result.Documents[0]).Bundle;
    }

    [Fact]
    public void Digest_YamlAndJsonRenderingsOfTheSameManifest_Agree()
        => Prop.ForAll(Manifests.ToArbitrary(), m =>
        {
            var random = new Random(m.Seed);
            var json = Read(m.Manifest.ToJsonString());
            var yaml = Read(Yaml(m.Manifest, random, 0));
            return json.Digest == yaml.Digest && json.CanonicalJson == yaml.CanonicalJson;
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(200));

    [Fact]
    public void Digest_ChangingOneLabelOrVariable_ChangesTheDigest()
        => Prop.ForAll(Manifests.ToArbitrary(), m =>
        {
            var before = Read(m.Manifest.ToJsonString()).Digest;
            var changed = m.Manifest.DeepClone().AsObject();
            var labels = changed["labels"]!.AsObject();
            labels["owner"] = (string?)labels["owner"] + "-changed";
            return Read(changed.ToJsonString()).Digest != before;
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(100));

    /// <summary>Block-style YAML with shuffled keys, strings in a random quoting style and numbers in alternative spellings.</summary>
    private static string Yaml(JsonNode? node, Random random, int indent)
    {
        var pad = new string(' ', indent);
        var b = new StringBuilder();
        switch (node)
        {
            case JsonObject obj when obj.Count > 0:
                var entries = obj.OrderBy(_ => random.Next()).ToList();
                foreach (var (key, value) in entries)
                {
                    b.Append(pad).Append(Quote(key)).Append(':');
                    b.Append(value is JsonObject { Count: > 0 } or JsonArray { Count: > 0 } ? "\n" + Yaml(value, random, indent + 2) : " " + Scalar(value, random) + "\n");
                }

                return b.ToString();
            case JsonArray array when array.Count > 0:
                foreach (var item in array)
                {
                    b.Append(pad).Append("- ").Append(Scalar(item, random)).Append('\n');
                }

                return b.ToString();
            default:
                return pad + Scalar(node, random) + "\n";
        }
    }

    private static string Scalar(JsonNode? node, Random random) => node switch
    {
        null => random.Next(2) == 0 ? "~" : "null",
        JsonObject => "{}",
        JsonArray => "[]",
        JsonValue v when v.TryGetValue<string>(out var s) => Quote(s),
        JsonValue v when v.TryGetValue<bool>(out var x) => x ? "true" : "false",
        JsonValue v when v.TryGetValue<long>(out var l) => random.Next(3) switch { 0 => l + ".0", 1 => l + "e0", _ => l.ToString(CultureInfo.InvariantCulture) },
        // Generated doubles lie in [0, 10] with two decimals, so "R" has no exponent and a trailing "0" keeps the value.
        _ => random.Next(2) == 0
            ? node.GetValue<double>().ToString("E16", CultureInfo.InvariantCulture)
            : node.GetValue<double>().ToString("R", CultureInfo.InvariantCulture) + (node.GetValue<double>() % 1 == 0 ? ".0" : "0"),
    };

    /// <summary>Double-quoted YAML escaping only '"', '\' and line breaks; single quotes when the text allows.</summary>
    private static string Quote(string s)
        => s.Contains('\n', StringComparison.Ordinal) || s.Contains('\'', StringComparison.Ordinal)
            ? "\"" + s.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal) + "\""
            : "'" + s + "'";
}
