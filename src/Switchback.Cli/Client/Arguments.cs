using Switchback.Core.Bundles;

namespace Switchback.Cli.Client;

/// <summary>Checks positional arguments that System.CommandLine sees as plain strings.</summary>
internal static class Arguments
{
    /// <summary>Parses DEPLOYMENT@VERSION, printing a usage error when it is not one.</summary>
    public static bool TryVersion(string? text, TextWriter error, out VersionRef reference)
    {
        if (VersionRef.TryParse(text, out reference, out var problem))
        {
            return true;
        }

        error.WriteLine($"switchback: {problem}");
        return false;
    }

    /// <summary>Checks a deployment, alias or key name, printing a usage error when it is not valid.</summary>
    public static bool TryName(string? text, string what, TextWriter error)
    {
        if (DeploymentName.IsValid(text, out var problem))
        {
            return true;
        }

        error.WriteLine($"switchback: invalid {what}: {problem}");
        return false;
    }

    /// <summary>Escapes a value for a URL path segment.</summary>
    public static string Path(string segment) => Uri.EscapeDataString(segment);
}
