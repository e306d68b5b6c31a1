using Switchback.Core.OnlineEvaluators;
using Switchback.Core.Manifests;

namespace Switchback.Core.Tests.Manifests;

public sealed class EvaluatorsSectionTests
{
    private const string Head = """
        kind: Bundle
        deployment: support-bot
        model: { provider: http, endpoint: 'http://127.0.0.1:9001/v1' }

        """;

    private static BundleManifest Bundle(string text)
    {
        var result = ManifestReader.Read(text, "b.yaml");
        Assert.True(result.IsValid, string.Join("\n", result.Errors));
        return Assert.IsType<BundleManifest>(Assert.Single(result.Documents));
    }

    [Fact]
    public void Read_EvaluatorsSection_IsKeptAsWrittenAndParsesToOptions()
    {
        var bundle = Bundle(Head + """
            evaluators:
              sample_rate: 0.5
              safety:
                deny:
                  - { name: internal-hosts, pattern: '\bcorp\.acme\.internal\b', ignore_case: true }
              refusal: { phrases: ["I must decline"] }
            """).Bundle;
        var section = bundle.ToJsonObject()["evaluators"]!.AsObject();
        var options = EvaluatorOptions.FromJson(section);
        Assert.Equal(0.5, options.SampleRate);
        Assert.Equal("internal-hosts", Assert.Single(options.DenyPatterns).Name);
        Assert.Contains("I must decline", options.RefusalPhrases);
        Assert.DoesNotContain("max_scan_chars", section.ToJsonString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Read_EvaluatorsSection_ChangesTheDigest()
    {
        var plain = Bundle(Head).Bundle;
        var strict = Bundle(Head + "evaluators: { sample_rate: 0.5 }\n").Bundle;
        var looser = Bundle(Head + "evaluators: { sample_rate: 0.25 }\n").Bundle;
        Assert.NotEqual(plain.Digest, strict.Digest);
        Assert.NotEqual(strict.Digest, looser.Digest);
        Assert.Equal(strict.Digest, Bundle(Head + "evaluators:\n  sample_rate: 0.50\n").Bundle.Digest);
    }

    [Fact]
    public void Read_SeveralEvaluatorErrors_ReportsEveryOneWithItsPath()
    {
        var result = ManifestReader.Read(Head + """
            evaluators:
              sample_rate: 2
              json: { max_depth: 0, colour: red }
            """, "b.yaml");
        Assert.False(result.IsValid);
        var paths = result.Errors.Select(e => e.Path).ToList();
        Assert.Contains("evaluators.sample_rate", paths);
        Assert.Contains("evaluators.json.max_depth", paths);
        Assert.Contains(paths, p => p.StartsWith("evaluators.json", StringComparison.Ordinal) && p.Contains("colour", StringComparison.Ordinal));
        Assert.Empty(result.Documents);
    }
}
