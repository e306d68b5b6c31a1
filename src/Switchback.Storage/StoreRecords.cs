using Switchback.Core.Access;

namespace Switchback.Storage;

/// <summary>Who makes a change and why; recorded in the audit entry.</summary>
public sealed record AuditContext(string Actor, string? Reason = null)
{
    /// <summary>The leader's fencing token: when set, the write is refused (<see cref="Fleet.FencedException"/>) unless this replica still leads in that term.</summary>
    public Fleet.LeaderFence? Fence { get; init; }

    /// <summary>A queued rollout command this write applies: marked done in the same transaction, so it is never applied twice.</summary>
    public Fleet.CommandCompletion? Completes { get; init; }
}

/// <summary>A registered, immutable bundle version.</summary>
public sealed record StoredBundle(string Deployment, int Version, string Digest, string ContentJson, DateTimeOffset CreatedAt, string CreatedBy, bool Archived);

/// <summary>A deployment, its aliases (name → version), its highest version and how many versions it has (archived ones included).</summary>
public sealed record DeploymentInfo(string Name, DateTimeOffset CreatedAt, IReadOnlyDictionary<string, int> Aliases, int LatestVersion, int VersionCount);

/// <summary>What <see cref="IRegistryStore.RegisterAsync"/> did.</summary>
public enum RegisterStatus
{
    /// <summary>A new version was created.</summary>
    Created,

    /// <summary>The same content was already registered; nothing changed.</summary>
    Existing,

    /// <summary>The requested version is bound to other content; nothing changed.</summary>
    Conflict,
}

/// <summary>The result of a registration: for <see cref="RegisterStatus.Conflict"/>, <paramref name="Bundle"/> is the existing one.</summary>
public sealed record RegisterOutcome(RegisterStatus Status, StoredBundle Bundle);

/// <summary>What <see cref="IRegistryStore.ArchiveAsync"/> did.</summary>
public enum ArchiveOutcome
{
    /// <summary>The version is now archived.</summary>
    Archived,

    /// <summary>It was archived already; nothing changed.</summary>
    AlreadyArchived,

    /// <summary>No such version.</summary>
    NotFound,

    /// <summary>Refused: <c>stable</c> points at it.</summary>
    IsStable,
}

/// <summary>What <see cref="IRegistryStore.SetAliasAsync"/> did; <paramref name="Previous"/> is the version it pointed at before.</summary>
public sealed record AliasOutcome(AliasStatus Status, int? Previous);

/// <summary>Result kinds of an alias move.</summary>
public enum AliasStatus
{
    /// <summary>The alias moved (or was created).</summary>
    Moved,

    /// <summary>It already pointed there; nothing changed and nothing was audited.</summary>
    Unchanged,

    /// <summary>No such version.</summary>
    NotFound,

    /// <summary>Refused: the version is archived.</summary>
    Archived,
}

/// <summary>One alias move; <paramref name="ToVersion"/> is null when the alias was removed.</summary>
public sealed record AliasEvent(string Deployment, string Alias, int? FromVersion, int? ToVersion, DateTimeOffset Time, string Actor, string? Reason)
{
    /// <summary>The event's place in the store (ascending, store-wide): the cursor for paging.</summary>
    public long Id { get; init; }
}

/// <summary>An API key as stored: never the secret, only its hash.</summary>
public sealed record ApiKeyRecord(string Name, Role Role, string KeyHash, DateTimeOffset CreatedAt, string CreatedBy, DateTimeOffset? RevokedAt);

/// <summary>
/// Filters for listing audit entries; all optional and combined with AND. <paramref name="Target"/> matches a target exactly
/// or followed by '@' (so "support-bot" finds the deployment and all its versions' entries); <paramref name="TargetPrefix"/>
/// matches any target starting with it (e.g. "key:"); <paramref name="AfterSequence"/> pages on; <paramref name="Limit"/> is from 1.
/// </summary>
public sealed record AuditQuery(string? Target = null, string? TargetPrefix = null, long? AfterSequence = null, int Limit = 1000);
