using System.Text.Json.Nodes;
using Switchback.Core.Access;
using Switchback.Core.Routing;

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

    public static string Routing(RoutingState state)
    {
        var json = new JsonObject
        {
            ["stable"] = state.StableVersion,
            ["candidate"] = state.CandidateVersion,
            ["candidate_weight_bps"] = state.CandidateWeightBps,
            ["shadow"] = state.ShadowVersion,
            ["shadow_sample_bps"] = state.ShadowSampleBps,
            ["sticky"] = StickyNames.ToText(state.StickySource),
            ["generation"] = state.Generation,
        };
        if (state.Salt is { } salt)
        {
            json["salt"] = salt;
        }

        return json.ToJsonString();
    }
}
