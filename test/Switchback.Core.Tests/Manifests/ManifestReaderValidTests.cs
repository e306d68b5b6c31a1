using System.Text.Json.Nodes;
using Switchback.Core.Bundles;
using Switchback.Core.Manifests;

namespace Switchback.Core.Tests.Manifests;

public sealed class ManifestReaderValidTests
{
    private static BundleContent SingleBundle(ManifestReadResult result)
    {
        Assert.True(result.IsValid, string.Join("\n", result.Errors));
        return Assert.IsType<BundleManifest>(Assert.Single(result.Documents)).Bundle;
    }

    [Fact]
    public void ReadFile_ProductExample_ValidatesEveryField()
    {
        var bundle = SingleBundle(ManifestReader.ReadFile(ManifestFiles.Valid("product-example.yaml")));
        Assert.Equal("support-bot", bundle.Deployment);
        Assert.Equal(7, bundle.RequestedVersion);
        Assert.Equal(BundleDigest.Compute(bundle.CanonicalJson), bundle.Digest);
        Assert.Matches("^sha256:[0-9a-f]{64}$", bundle.Digest);
        var content = bundle.ToJsonObject();
        Assert.False(content.ContainsKey("kind"));
        Assert.False(content.ContainsKey("version"));
        Assert.Equal("support-bot", (string?)content["deployment"]);
        Assert.Equal("http://127.0.0.1:9001/v1", (string?)content["model"]!["endpoint"]);
        Assert.Equal("VLLM_API_KEY", (string?)content["model"]!["api_key_env"]);
        Assert.Equal("2026-11-20", (string?)content["retrieval"]!["version"]);
        Assert.Equal("1", (string?)content["tokenizer"]!["version"]);
        Assert.Equal("4f1c2e9", (string?)content["lineage"]!["git_commit"]);
        Assert.Equal(0.2, (double)content["serving"]!["temperature"]!);
        Assert.Equal(512, (long)content["serving"]!["max_tokens"]!);
        Assert.Equal("Acme", (string?)content["prompt"]!["variables"]!["company"]);
        Assert.Contains("\"serving\":{\"max_tokens\":512,\"temperature\":0.2,\"timeout_ms\":20000}", bundle.CanonicalJson);
    }

    [Fact]
    public void ReadFile_JsonFormOfProductExample_HasTheSameDigest()
    {
        var yaml = SingleBundle(ManifestReader.ReadFile(ManifestFiles.Valid("product-example.yaml")));
        var json = SingleBundle(ManifestReader.ReadFile(ManifestFiles.Valid("product-example.json")));
        Assert.Equal(yaml.CanonicalJson, json.CanonicalJson);
        Assert.Equal(yaml.Digest, json.Digest);
        Assert.Equal(7, json.RequestedVersion);
    }

    [Fact]
    public void ReadFile_MultiDocument_ReturnsTwoBundlesAndARollout()
    {
        var result = ManifestReader.ReadFile(ManifestFiles.Valid("multi.yaml"));
        Assert.True(result.IsValid, string.Join("\n", result.Errors));
        Assert.Equal(3, result.Documents.Count);
        var first = Assert.IsType<BundleManifest>(result.Documents[0]);
        var second = Assert.IsType<BundleManifest>(result.Documents[1]);
        var rollout = Assert.IsType<RolloutManifest>(result.Documents[2]);
        Assert.Equal([0, 1, 2], result.Documents.Select(d => d.Index));
        Assert.Equal(7, first.Bundle.RequestedVersion);
        Assert.Null(second.Bundle.RequestedVersion);
        Assert.NotEqual(first.Bundle.Digest, second.Bundle.Digest);
        Assert.Contains("\"stop\":[\"###\",\"</s>\"]", first.Bundle.CanonicalJson);
        Assert.Equal("###", (string?)second.Bundle.ToJsonObject()["serving"]!["stop"]);
        Assert.Equal("support-bot", rollout.Deployment);
        Assert.Equal(8, (long)rollout.Spec["candidate"]!);
        Assert.Equal(0.01, (double)rollout.Spec["alpha"]!);
        Assert.Equal("24h", (string?)rollout.Spec["rollback_window"]);
        Assert.Equal("10m", (string?)rollout.Spec["steps"]![0]!["shadow"]!["duration"]);
        Assert.False(rollout.Spec.ContainsKey("kind"));
    }

    [Fact]
    public void Read_JsonArrayOfDocuments_ReadsEachItem()
    {
        const string text = """
            [ {"kind": "Bundle", "deployment": "a", "model": {"provider": "http", "endpoint": "https://m.example/x"}},
              {"kind": "Rollout", "deployment": "a", "candidate": 2} ]
            """;
        var result = ManifestReader.Read(text, "inline.json");
        Assert.True(result.IsValid, string.Join("\n", result.Errors));
        Assert.IsType<BundleManifest>(result.Documents[0]);
        Assert.IsType<RolloutManifest>(result.Documents[1]);
    }

    [Theory]
    [InlineData("version: \"2026-11-20\"", "version: 2026-11-20")]
    [InlineData("version: '3'", "version: 3")]
    [InlineData("version: \"1.10\"", "version: 1.10")]
    public void Read_QuotedAndPlainVersion_SameDigest(string quoted, string plain)
    {
        static string Doc(string v) => $"kind: Bundle\ndeployment: a\nmodel: {{provider: http, endpoint: 'http://h/'}}\nretrieval:\n  index: kb\n  {v}\n";
        var a = SingleBundle(ManifestReader.Read(Doc(quoted), "a.yaml"));
        var b = SingleBundle(ManifestReader.Read(Doc(plain), "b.yaml"));
        Assert.Equal(a.Digest, b.Digest);
    }

    [Theory]
    [InlineData("0.20", "2e-1")]
    [InlineData("1", "1.0")]
    [InlineData("1", "10e-1")]
    [InlineData("0.5", ".5")]
    public void Read_EquivalentNumberSpellings_SameDigest(string x, string y)
    {
        static string Doc(string t) => $"kind: Bundle\ndeployment: a\nmodel: {{provider: http, endpoint: 'http://h/'}}\nserving: {{temperature: {t}}}\nprompt: {{variables: {{n: {t}}}}}\n";
        Assert.Equal(SingleBundle(ManifestReader.Read(Doc(x), "x")).Digest, SingleBundle(ManifestReader.Read(Doc(y), "y")).Digest);
    }

    [Fact]
    public void Read_VariablesUseCoreSchema_QuotedStaysString()
    {
        const string text = "kind: Bundle\ndeployment: a\nmodel: {provider: http, endpoint: 'http://h/'}\nprompt:\n  variables: { n: 3, q: '3', b: true, z: ~, s: hello, h: 0x10 }\n";
        var vars = SingleBundle(ManifestReader.Read(text, "t")).ToJsonObject()["prompt"]!["variables"]!.AsObject();
        Assert.Equal(3, (long)vars["n"]!);
        Assert.Equal("3", (string?)vars["q"]);
        Assert.True((bool)vars["b"]!);
        Assert.Null(vars["z"]);
        Assert.True(vars.ContainsKey("z"));
        Assert.Equal("hello", (string?)vars["s"]);
        Assert.Equal(16, (long)vars["h"]!);
    }

    [Fact]
    public void Read_VersionOmittedOrGiven_SameDigest()
    {
        const string body = "deployment: a\nmodel: {provider: http, endpoint: 'http://h/'}\n";
        var without = SingleBundle(ManifestReader.Read("kind: Bundle\n" + body, "a"));
        var with = SingleBundle(ManifestReader.Read("kind: Bundle\nversion: 4\n" + body, "b"));
        Assert.Null(without.RequestedVersion);
        Assert.Equal(4, with.RequestedVersion);
        Assert.Equal(without.Digest, with.Digest);
    }

    [Fact]
    public void Read_TrailingEmptyDocument_IsSkipped()
    {
        var result = ManifestReader.Read("---\nkind: Rollout\ndeployment: a\n---\n", "t");
        Assert.True(result.IsValid, string.Join("\n", result.Errors));
        Assert.Single(result.Documents);
        Assert.IsType<JsonObject>(((RolloutManifest)result.Documents[0]).Spec);
    }

    [Fact]
    public void Read_ConcatenatedJsonObjects_AreSeparateDocuments()
    {
        var result = ManifestReader.Read("{\"kind\": \"Rollout\", \"deployment\": \"a\"}\n{\"kind\": \"Rollout\", \"deployment\": \"b\"}\n", "two.json");
        Assert.True(result.IsValid, string.Join("\n", result.Errors));
        Assert.Equal(["a", "b"], result.Documents.Cast<RolloutManifest>().Select(r => r.Deployment));
        Assert.Equal([0, 1], result.Documents.Select(d => d.Index));
    }
}
