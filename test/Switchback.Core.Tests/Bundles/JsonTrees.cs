using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using FsCheck;
using FsCheck.Fluent;

namespace Switchback.Core.Tests.Bundles;

/// <summary>Random bundle-like JSON trees and alternative spellings of them, for property tests.</summary>
internal static class JsonTrees
{
    public static readonly string[] Keys = ["a", "b", "B", "z", "model", "é", "日本", "a.b", "_x", "10", "key with space", "\u0001ctl", "😀", "\uFF21", "Ω"];

    private static readonly string[] Texts = ["", "x", "Acme", "quote\"d", "back\\slash", "line\nbreak", "tab\t", "ü", "😀", "\u2028", "\u007f", "</s>", "{{ tone }}"];

    public static Gen<JsonNode?> Leaf { get; } = Gen.OneOf(
        Gen.Elements(Texts).Select(s => (JsonNode?)JsonValue.Create(s)),
        Gen.Choose(-1_000_000, 1_000_000).Select(i => (JsonNode?)JsonValue.Create((long)i)),
        Gen.Choose(-100_000, 100_000).SelectMany(m => Gen.Choose(1, 6), (m, k) => (JsonNode?)JsonValue.Create(m / Math.Pow(10, k))),
        Gen.Elements(true, false).Select(b => (JsonNode?)JsonValue.Create(b)),
        Gen.Constant<JsonNode?>(null));

    public static Gen<JsonObject> Object { get; } = Gen.Sized(size => ObjectOfDepth(Math.Min(3, size / 10 + 1)));

    public static Arbitrary<(JsonObject Tree, int Seed)> TreeAndSeed { get; } =
        Object.SelectMany(_ => Gen.Choose(0, int.MaxValue), (tree, seed) => (tree, seed)).ToArbitrary();

    private static Gen<JsonObject> ObjectOfDepth(int depth)
    {
        var value = depth <= 0 ? Leaf : Gen.Frequency((4, Leaf), (2, ObjectOfDepth(depth - 1).Select(o => (JsonNode?)o)), (1, ArrayOfDepth(depth - 1)));
        return Gen.SubListOf(Keys).SelectMany(keys => Gen.CollectToList(keys.Take(5), _ => value), (keys, values) =>
        {
            var obj = new JsonObject();
            var i = 0;
            foreach (var key in keys.Take(5))
            {
                obj[key] = values[i++];
            }

            return obj;
        });
    }

    private static Gen<JsonNode?> ArrayOfDepth(int depth)
        => Gen.ListOf(depth <= 0 ? Leaf : Gen.OneOf(Leaf, ObjectOfDepth(depth - 1).Select(o => (JsonNode?)o)), 3)
            .Select(items => (JsonNode?)new JsonArray([.. items]));

    /// <summary>
    /// Renders <paramref name="node"/> as JSON text with keys in a shuffled order, random whitespace and alternative
    /// spellings of every number (1 as 1.0, 1e0, 10e-1; doubles in exponent form), all meaning the same tree.
    /// </summary>
    public static string Respell(JsonNode? node, Random random)
    {
        var builder = new StringBuilder();
        Write(builder, node, random);
        return builder.ToString();
    }

    private static void Write(StringBuilder b, JsonNode? node, Random random)
    {
        Space(b, random);
        switch (node)
        {
            case JsonObject obj:
                b.Append('{');
                var entries = obj.ToList();
                random.Shuffle(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(entries));
                for (var i = 0; i < entries.Count; i++)
                {
                    b.Append(i > 0 ? "," : string.Empty);
                    Space(b, random);
                    b.Append(JsonValue.Create(entries[i].Key).ToJsonString());
                    Space(b, random);
                    b.Append(':');
                    Write(b, entries[i].Value, random);
                }

                b.Append('}');
                break;
            case JsonArray array:
                b.Append('[');
                for (var i = 0; i < array.Count; i++)
                {
                    b.Append(i > 0 ? "," : string.Empty);
                    Write(b, array[i], random);
                }

                b.Append(']');
                break;
            case JsonValue v when v.TryGetValue<long>(out var l):
                b.Append(random.Next(4) switch
                {
                    0 => l.ToString(CultureInfo.InvariantCulture) + ".0",
                    1 => l.ToString(CultureInfo.InvariantCulture) + "e0",
                    2 => l.ToString(CultureInfo.InvariantCulture) + "0e-1",
                    _ => l.ToString(CultureInfo.InvariantCulture),
                });
                break;
            case JsonValue v when v.TryGetValue<double>(out var d):
                b.Append(random.Next(2) == 0 ? d.ToString("E16", CultureInfo.InvariantCulture) : d.ToString("R", CultureInfo.InvariantCulture));
                break;
            default:
                // Strings: JsonNode escapes non-ASCII as \uXXXX, itself an equivalent spelling.
                b.Append(node is null ? "null" : node.ToJsonString());
                break;
        }

        Space(b, random);
    }

    private static void Space(StringBuilder b, Random random) => b.Append(random.Next(4) switch { 0 => " ", 1 => "\n  ", 2 => "\t", _ => string.Empty });

    /// <summary>Every object or array in the tree, with the root.</summary>
    public static List<JsonNode> Containers(JsonNode root)
    {
        var all = new List<JsonNode> { root };
        for (var i = 0; i < all.Count; i++)
        {
            IEnumerable<JsonNode?> children = all[i] switch
            {
                JsonObject o => o.Select(p => p.Value),
                JsonArray a => a,
                _ => [],
            };
            all.AddRange(children.Where(c => c is JsonObject or JsonArray)!);
        }

        return all;
    }
}
