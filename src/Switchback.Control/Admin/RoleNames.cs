using System.Diagnostics.CodeAnalysis;
using Switchback.Core.Access;

namespace Switchback.Control.Admin;

/// <summary>The wire names of roles: <c>viewer</c>, <c>operator</c>, <c>admin</c>.</summary>
public static class RoleNames
{
    /// <summary>The lower-case name of a role.</summary>
    public static string Format(Role role) => role switch
    {
        Role.Viewer => "viewer",
        Role.Operator => "operator",
        Role.Admin => "admin",
        _ => throw new ArgumentOutOfRangeException(nameof(role), role, "unknown role"),
    };

    /// <summary>Parses a lower-case role name.</summary>
    public static bool TryParse(string? text, [NotNullWhen(true)] out Role? role)
    {
        role = text switch
        {
            "viewer" => Role.Viewer,
            "operator" => Role.Operator,
            "admin" => Role.Admin,
            _ => null,
        };
        return role is not null;
    }
}
