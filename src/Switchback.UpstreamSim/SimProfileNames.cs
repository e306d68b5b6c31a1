using System.Diagnostics.CodeAnalysis;

namespace Switchback.UpstreamSim;

/// <summary>The kebab-case names of <see cref="SimProfile"/> used on the command line and in output.</summary>
public static class SimProfileNames
{
    /// <summary>Every profile name, in declaration order: healthy, slow, flaky, down, oom, silent-regression.</summary>
    public static IReadOnlyList<string> All { get; } = ["healthy", "slow", "flaky", "down", "oom", "silent-regression"];

    /// <summary>The command-line name of a profile, e.g. <c>silent-regression</c>.</summary>
    public static string ToName(SimProfile profile) =>
        Enum.IsDefined(profile) ? All[(int)profile] : throw new ArgumentOutOfRangeException(nameof(profile));

    /// <summary>Parses a command-line name (case-insensitive); false when it names no profile.</summary>
    public static bool TryParse(string? name, [NotNullWhen(true)] out SimProfile? profile)
    {
        for (var i = 0; i < All.Count; i++)
        {
            if (string.Equals(All[i], name, StringComparison.OrdinalIgnoreCase))
            {
                profile = (SimProfile)i;
                return true;
            }
        }

        profile = null;
        return false;
    }
}
