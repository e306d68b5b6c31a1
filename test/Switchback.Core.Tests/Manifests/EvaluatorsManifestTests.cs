using Switchback.Core.Manifests;

namespace Switchback.Core.Tests.Manifests;

public sealed class EvaluatorsManifestTests
{
    private const string Head = "kind: Bundle\ndeployment: svc\nmodel: { provider: openai, endpoint: 'http://127.0.0.1:9001/v1', name: m }\n";

    [Fact]
    public void Read_ValidEvaluators_KeptInTheBundleContent()
    {
        var result = ManifestReader.Read(Head + "evaluators:\n  sample_rate: 0.5\n  safety: { deny: [ { name: keys, pattern: 'sk-[a-z]+' } ] }\n", "b.yaml");

        Assert.True(result.IsValid, string.Join("; ", result.Errors));
        var bundle = Assert.IsType<BundleManifest>(Assert.Single(result.Documents)).Bundle;
        Assert.Contains("\"evaluators\":{\"safety\":{\"deny\":[{\"name\":\"keys\",\"pattern\":\"sk-[a-z]+\"}]},\"sample_rate\":0.5}", bundle.CanonicalJson, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("evaluators:\n  sample_rat: 1\n", "evaluators.sample_rat")]
    [InlineData("evaluators:\n  sample_rate: 2\n", "evaluators.sample_rate")]
    [InlineData("evaluators:\n  safety: { deny: [ { name: bad, pattern: '(' } ] }\n", "evaluators.safety.deny[0].pattern")]
    [InlineData("evaluators: [1, 2]\n", "evaluators")]
    public void Read_BadEvaluators_ErrorNamesTheField(string section, string path)
    {
        var result = ManifestReader.Read(Head + section, "b.yaml");

        Assert.False(result.IsValid);
        Assert.Contains(result.Errors, e => e.Path == path);
    }
}
