using Switchback.Core.Access;

namespace Switchback.Storage.Sql;

/// <summary>How a <see cref="Role"/> is written in the store: the lower-case names the CLI uses.</summary>
internal static class RoleNames
{
    public static string ToText(Role role) => role switch
    {
        Role.Viewer => "viewer",
        Role.Operator => "operator",
        Role.Admin => "admin",
        _ => throw new ArgumentOutOfRangeException(nameof(role), role, "unknown role"),
    };

    public static Role Parse(string text) => text switch
    {
        "viewer" => Role.Viewer,
        "operator" => Role.Operator,
        "admin" => Role.Admin,
        _ => throw new InvalidOperationException($"the store holds an unknown role '{text}'"),
    };
}
