using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace Switchback.Core.Bundles;

/// <summary>A reference to one version of a deployment, written <c>deployment@version</c>.</summary>
public readonly record struct VersionRef(string Deployment, int Version)
{
    /// <summary>Parses <c>deployment@version</c>; throws <see cref="FormatException"/> with a clear message.</summary>
    public static VersionRef Parse(string text)
        => TryParse(text, out var value, out var error) ? value : throw new FormatException(error);

    /// <summary>Parses <c>deployment@version</c> without throwing.</summary>
    public static bool TryParse(string? text, out VersionRef value, [NotNullWhen(false)] out string? error)
    {
        value = default;
        var at = text?.LastIndexOf('@') ?? -1;
        if (text is null || at <= 0 || at == text.Length - 1)
        {
            error = $"'{text}' is not DEPLOYMENT@VERSION (for example support-bot@7)";
            return false;
        }

        var deployment = text[..at];
        if (!DeploymentName.IsValid(deployment, out error))
        {
            return false;
        }

        if (!int.TryParse(text.AsSpan(at + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var version) || version < 1)
        {
            error = $"'{text[(at + 1)..]}' in '{text}' is not a version number (a whole number from 1)";
            return false;
        }

        value = new VersionRef(deployment, version);
        error = null;
        return true;
    }

    /// <inheritdoc />
    public override string ToString() => $"{Deployment}@{Version.ToString(CultureInfo.InvariantCulture)}";
}
