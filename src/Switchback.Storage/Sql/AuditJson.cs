using System.Text.Json.Nodes;
using Switchback.Core.Access;

namespace Switchback.Storage.Sql;

/// <summary>The small JSON objects recorded as an audit entry's before/after. Never a key hash or any other secret.</summary>
internal static class AuditJson
{
    public static string Deployment(string name) => new JsonObject { ["name"] = name }.ToJsonString();

    public static string Bundle(int version, string digest) => new JsonObject { ["version"] = version, ["digest"] = digest }.ToJsonString();

    public static string Bundle(int version, string digest, bool archived)
        => new JsonObject { ["version"] = version, ["digest"] = digest, ["archived"] = archived }.ToJsonString();

    public static string Alias(string alias, int version) => new JsonObject { ["alias"] = alias, ["version"] = version }.ToJsonString();

    public static string Key(string name, Role role, bool revoked)
        => new JsonObject { ["name"] = name, ["role"] = RoleNames.ToText(role), ["revoked"] = revoked }.ToJsonString();
}
