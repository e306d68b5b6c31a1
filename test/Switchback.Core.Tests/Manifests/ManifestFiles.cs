namespace Switchback.Core.Tests.Manifests;

/// <summary>Paths of the manifest files copied next to the test assembly.</summary>
internal static class ManifestFiles
{
    public static string Valid(string name) => Path.Combine(AppContext.BaseDirectory, "Manifests", "Valid", name);

    public static string Malformed(string name) => Path.Combine(AppContext.BaseDirectory, "Manifests", "Malformed", name);
}
