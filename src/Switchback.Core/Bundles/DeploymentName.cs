using System.Diagnostics.CodeAnalysis;

namespace Switchback.Core.Bundles;

/// <summary>Rules for deployment and alias names: lower-case letters, digits, '-', '_' and '.', starting with a letter or digit, at most 63 characters.</summary>
public static class DeploymentName
{
    /// <summary>The longest name accepted.</summary>
    public const int MaxLength = 63;

    /// <summary>Whether <paramref name="name"/> is a valid deployment or alias name; <paramref name="error"/> says why not.</summary>
    public static bool IsValid(string? name, [NotNullWhen(false)] out string? error)
    {
        if (string.IsNullOrEmpty(name))
        {
            error = "a name is required";
            return false;
        }

        if (name.Length > MaxLength)
        {
            error = $"'{name}' is longer than {MaxLength} characters";
            return false;
        }

        for (var i = 0; i < name.Length; i++)
        {
            var c = name[i];
            var ok = c is (>= 'a' and <= 'z') or (>= '0' and <= '9') || (i > 0 && c is '-' or '_' or '.');
            if (!ok)
            {
                error = $"'{name}' is not a valid name: use lower-case letters, digits, '-', '_' and '.', starting with a letter or digit";
                return false;
            }
        }

        error = null;
        return true;
    }
}
