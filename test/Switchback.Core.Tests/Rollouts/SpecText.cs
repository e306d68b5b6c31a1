using Switchback.Core.Manifests;
using Switchback.Core.Rollouts;

namespace Switchback.Core.Tests.Rollouts;

/// <summary>Reads rollout YAML through the real manifest reader and the spec parser.</summary>
internal static class SpecText
{
    public const string Header = "kind: Rollout\ndeployment: support-bot\n";

    public static RolloutSpecResult Parse(string yaml)
    {
        var read = ManifestReader.Read(yaml, "rollout.yaml");
        Assert.True(read.IsValid, string.Join("\n", read.Errors));
        var manifest = Assert.IsType<RolloutManifest>(Assert.Single(read.Documents));
        return RolloutSpec.Parse(manifest, "rollout.yaml");
    }

    public static RolloutSpec Valid(string yaml)
    {
        var result = Parse(yaml);
        Assert.True(result.IsValid, string.Join("\n", result.Errors));
        return result.Spec!;
    }
}
