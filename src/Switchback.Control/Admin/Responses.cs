using System.Text.Json.Nodes;
using Switchback.Core.Audit;
using Switchback.Storage;

namespace Switchback.Control.Admin;

/// <summary>A deployment as the admin API shows it.</summary>
internal sealed record DeploymentView(string Name, DateTimeOffset CreatedAt, IReadOnlyDictionary<string, int> Aliases, int LatestVersion, int VersionCount)
{
    public static DeploymentView From(DeploymentInfo info) => new(info.Name, info.CreatedAt, info.Aliases, info.LatestVersion, info.VersionCount);
}

/// <summary>A version without its content, with the aliases that point at it.</summary>
internal sealed record VersionView(string Deployment, int Version, string Digest, DateTimeOffset CreatedAt, string CreatedBy, bool Archived, IReadOnlyList<string> Aliases)
{
    public static VersionView From(StoredBundle bundle, IReadOnlyDictionary<string, int> aliases)
        => new(bundle.Deployment, bundle.Version, bundle.Digest, bundle.CreatedAt, bundle.CreatedBy, bundle.Archived, AliasesOf(bundle.Version, aliases));

    public static IReadOnlyList<string> AliasesOf(int version, IReadOnlyDictionary<string, int> aliases)
        => [.. aliases.Where(a => a.Value == version).Select(a => a.Key).Order(StringComparer.Ordinal)];
}

/// <summary>A version with its content as a JSON object.</summary>
internal sealed record VersionDetailView(string Deployment, int Version, string Digest, DateTimeOffset CreatedAt, string CreatedBy, bool Archived, IReadOnlyList<string> Aliases, JsonNode? Content);

/// <summary>The result of <c>POST /versions</c>.</summary>
internal sealed record RegisterView(string Status, string Deployment, int Version, string Digest);

/// <summary>One field that differs between two bundles.</summary>
internal sealed record DifferenceView(string Path, JsonNode? Before, JsonNode? After);

/// <summary>What a 409 on registration says besides the error.</summary>
internal sealed record ConflictView(string Deployment, int Version, string ExistingDigest, string NewDigest, IReadOnlyList<DifferenceView> Differences);

/// <summary>The 409 body of a registration conflict.</summary>
internal sealed record ConflictEnvelope(ApiError.ErrorBody Error, ConflictView Conflict);

/// <summary>The result of <c>GET /deployments/{d}/diff</c>.</summary>
internal sealed record DiffView(string From, string To, string FromDigest, string ToDigest, bool Identical, IReadOnlyList<DifferenceView> Differences);

/// <summary>One alias move.</summary>
internal sealed record AliasEventView(long Id, string Alias, int? FromVersion, int? ToVersion, DateTimeOffset Time, string Actor, string? Reason)
{
    public static AliasEventView From(AliasEvent e) => new(e.Id, e.Alias, e.FromVersion, e.ToVersion, e.Time, e.Actor, e.Reason);
}

/// <summary>One audit entry; before/after are shown as JSON when they are JSON.</summary>
internal sealed record AuditEntryView(long Sequence, DateTimeOffset Time, string Actor, string Action, string Target, JsonNode? Before, JsonNode? After, string? Reason, string PreviousHash, string Hash)
{
    public static AuditEntryView From(AuditEntry e)
        => new(e.Sequence, e.Time, e.Actor, e.Action, e.Target, JsonText.ParseOrString(e.Before), JsonText.ParseOrString(e.After), e.Reason, e.PreviousHash, e.Hash);
}

/// <summary>An API key without its hash.</summary>
internal sealed record KeyView(string Name, string Role, DateTimeOffset CreatedAt, string CreatedBy, DateTimeOffset? RevokedAt, bool Active)
{
    public static KeyView From(ApiKeyRecord key) => new(key.Name, RoleNames.Format(key.Role), key.CreatedAt, key.CreatedBy, key.RevokedAt, key.RevokedAt is null);
}

/// <summary>A newly created key: the only response that ever contains the secret.</summary>
internal sealed record CreatedKeyView(string Name, string Role, string Key);
