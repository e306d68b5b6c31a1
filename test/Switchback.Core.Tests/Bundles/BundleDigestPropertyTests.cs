using System.Text.Json.Nodes;
using FsCheck;
using FsCheck.Fluent;
using Switchback.Core.Bundles;

namespace Switchback.Core.Tests.Bundles;

public sealed class BundleDigestPropertyTests
{
    private static readonly Config Config = Config.QuickThrowOnFailure.WithMaxTest(300);

    private static string Digest(JsonNode? node) => BundleDigest.Compute(CanonicalJson.Serialize(node));

    [Fact]
    public void Digest_KeyOrderWhitespaceAndNumberSpelling_DoNotMatter()
        => Prop.ForAll(JsonTrees.TreeAndSeed, t =>
        {
            var respelled = JsonNode.Parse(JsonTrees.Respell(t.Tree, new Random(t.Seed)));
            var indented = JsonNode.Parse(t.Tree.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true }));
            return Digest(t.Tree) == Digest(respelled) && Digest(t.Tree) == Digest(indented);
        }).Check(Config);

    [Fact]
    public void Serialize_CanonicalText_IsAFixedPoint()
        => Prop.ForAll(JsonTrees.TreeAndSeed, t =>
        {
            var canonical = CanonicalJson.Serialize(t.Tree);
            return CanonicalJson.Serialize(JsonNode.Parse(canonical)) == canonical;
        }).Check(Config);

    [Fact]
    public void Digest_ChangingOneLeaf_ChangesTheDigest()
        => Prop.ForAll(JsonTrees.TreeAndSeed, t =>
        {
            var random = new Random(t.Seed);
            var changed = t.Tree.DeepClone().AsObject();
            var parents = JsonTrees.Containers(changed).Where(c => c is JsonObject { Count: > 0 } or JsonArray { Count: > 0 }).ToList();
            if (parents.Count == 0)
            {
                return true;
            }

            var parent = parents[random.Next(parents.Count)];
            if (parent is JsonObject obj)
            {
                var key = obj.ElementAt(random.Next(obj.Count)).Key;
                obj[key] = Changed(obj[key]);
            }
            else
            {
                var array = (JsonArray)parent;
                var i = random.Next(array.Count);
                array[i] = Changed(array[i]);
            }

            return Digest(t.Tree) != Digest(changed);
        }).Check(Config);

    [Fact]
    public void Digest_AddingOrRemovingAKey_ChangesTheDigest()
        => Prop.ForAll(JsonTrees.TreeAndSeed, t =>
        {
            var random = new Random(t.Seed);
            var changed = t.Tree.DeepClone().AsObject();
            var objects = JsonTrees.Containers(changed).OfType<JsonObject>().ToList();
            var target = objects[random.Next(objects.Count)];
            if (target.Count > 0 && random.Next(2) == 0)
            {
                target.Remove(target.ElementAt(random.Next(target.Count)).Key);
            }
            else
            {
                target["added-" + random.Next(1000)] = null;
            }

            return Digest(t.Tree) != Digest(changed);
        }).Check(Config);

    [Fact]
    public void Serialize_EquivalentSpellingsOfAnyDouble_Agree()
        => Prop.ForAll(ArbMap.Default.ArbFor<double>().Filter(double.IsFinite), d =>
        {
            var a = CanonicalJson.Serialize(JsonValue.Create(d));
            var b = CanonicalJson.Serialize(JsonNode.Parse(d.ToString("E16", System.Globalization.CultureInfo.InvariantCulture)));
            var c = CanonicalJson.Serialize(JsonNode.Parse(d.ToString("R", System.Globalization.CultureInfo.InvariantCulture)));
            return a == b && b == c && double.Parse(a, System.Globalization.CultureInfo.InvariantCulture) == d;
        }).Check(Config);

    private static JsonNode? Changed(JsonNode? node) => node switch
    {
        null => JsonValue.Create(0),
        JsonValue v when v.TryGetValue<string>(out var s) => JsonValue.Create(s + "x"),
        JsonValue v when v.TryGetValue<long>(out var l) => JsonValue.Create(l + 1),
        JsonValue v when v.TryGetValue<double>(out var d) => JsonValue.Create(d + 0.5),
        JsonValue v when v.TryGetValue<bool>(out var b) => JsonValue.Create(!b),
        JsonObject o => new JsonObject { ["changed"] = o.Count },
        _ => null,
    };
}
