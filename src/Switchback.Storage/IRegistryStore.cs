using Switchback.Core.Access;
using Switchback.Core.Audit;
using Switchback.Core.Bundles;
using Switchback.Core.Routing;
using Switchback.Core.Rollouts;

namespace Switchback.Storage;

/// <summary>
/// The registry of deployments, immutable bundles, aliases, API keys and the audit log.
/// Every mutation appends its audit entry in the same transaction, so the log and the state never disagree.
/// Implementations are thread-safe and safe to use from several processes on one store. Every call throws
/// <see cref="StoreUnavailableException"/> when the store cannot serve it (file deleted or replaced, writer lock held longer than
/// <see cref="WriterLockWait.Current"/>, database unreachable), never the driver's exception for those cases.
/// </summary>
public interface IRegistryStore : IAsyncDisposable, IEvalReportStore, IRoutingSource, IApiKeySource, IMonitorStore
{
    /// <summary>Where the store lives, safe to print and log: a SQLite file's absolute path, or a PostgreSQL database and host (never a password).</summary>
    string Location { get; }

    /// <summary>
    /// Creates the store if it does not exist (a SQLite file; a PostgreSQL database must exist) and applies pending schema
    /// migrations; safe to call any number of times, also concurrently. Only this call may create a SQLite file.
    /// </summary>
    Task<MigrationOutcome> MigrateAsync(CancellationToken cancellationToken = default);

    /// <summary>Whether the store is ready now: <see cref="CheckReadinessAsync"/> found it readable and writable.</summary>
    Task<bool> PingAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Checks that the store answers a read and that its writer lock can be taken within <see cref="WriterLockWait.Probe"/>
    /// (taken and released in a transaction that writes nothing), and that a SQLite file is still the one opened; says why not.
    /// </summary>
    Task<StoreReadiness> CheckReadinessAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Registers a bundle. Creates the deployment on its first bundle and points <c>stable</c> at it.
    /// Same digest as an existing version (the requested one, or any when none is requested) ⇒ <see cref="RegisterStatus.Existing"/>;
    /// a requested version already bound to another digest ⇒ <see cref="RegisterStatus.Conflict"/> and nothing changes.
    /// </summary>
    Task<RegisterOutcome> RegisterAsync(BundleContent bundle, AuditContext who, CancellationToken cancellationToken = default);

    /// <summary>The versions of a deployment in ascending order; archived ones only when asked.</summary>
    Task<IReadOnlyList<StoredBundle>> ListBundlesAsync(string deployment, bool includeArchived, CancellationToken cancellationToken = default);

    /// <summary>One deployment with its aliases; null if it does not exist.</summary>
    Task<DeploymentInfo?> GetDeploymentAsync(string deployment, CancellationToken cancellationToken = default);

    /// <summary>Hides a version from defaults. Refuses the version <c>stable</c> points at.</summary>
    Task<ArchiveOutcome> ArchiveAsync(VersionRef version, AuditContext who, CancellationToken cancellationToken = default);

    /// <summary>
    /// Points an alias at a version (creating the alias if new). Refuses a missing or archived version. Moving <c>stable</c>
    /// also moves an existing routing state's stable version in the same transaction (audited as <c>routing.set</c>),
    /// clearing a candidate or shadow equal to the new stable.
    /// </summary>
    Task<AliasOutcome> SetAliasAsync(VersionRef version, string alias, AuditContext who, CancellationToken cancellationToken = default);

    /// <summary>
    /// Removes an alias: an alias event with no target version and an <c>alias.remove</c> audit entry, in one transaction.
    /// Refuses <c>stable</c> (a deployment always serves something); removing an absent alias changes nothing.
    /// </summary>
    Task<AliasRemoveStatus> RemoveAliasAsync(string deployment, string alias, AuditContext who, CancellationToken cancellationToken = default);

    /// <summary>Every alias move of a deployment (removals included), oldest first.</summary>
    Task<IReadOnlyList<AliasEvent>> GetAliasHistoryAsync(string deployment, CancellationToken cancellationToken = default);

    /// <summary>One page of a deployment's alias moves, oldest first: those with <see cref="AliasEvent.Id"/> above <paramref name="afterId"/>, at most <paramref name="limit"/>.</summary>
    Task<IReadOnlyList<AliasEvent>> GetAliasHistoryAsync(string deployment, long? afterId, int limit, CancellationToken cancellationToken = default);

    /// <summary>Audit entries matching the query, oldest first.</summary>
    Task<IReadOnlyList<AuditEntry>> ListAuditAsync(AuditQuery query, CancellationToken cancellationToken = default);

    /// <summary>Re-computes the whole hash chain and the recorded head; names the first broken entry.</summary>
    Task<AuditVerifyResult> VerifyAuditAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Verifies as <see cref="VerifyAuditAsync(CancellationToken)"/> does, and that the log still holds the entry
    /// <paramref name="anchor"/> names with the same hash (an anchor taken earlier from <see cref="GetAuditHeadAsync"/>).
    /// </summary>
    Task<AuditVerifyResult> VerifyAuditAsync(AuditAnchor anchor, CancellationToken cancellationToken = default);

    /// <summary>The recorded head of the audit chain (the last entry's sequence number and hash); null while the log is empty.</summary>
    Task<AuditAnchor?> GetAuditHeadAsync(CancellationToken cancellationToken = default);

    /// <summary>Stores a new API key by its hash; null when an active or revoked key already has that name.</summary>
    Task<ApiKeyRecord?> CreateKeyAsync(string name, Role role, string keyHash, AuditContext who, CancellationToken cancellationToken = default);

    /// <summary>All keys, revoked ones included, by name. Never returns hashes of other keys' secrets beyond the stored hash.</summary>
    Task<IReadOnlyList<ApiKeyRecord>> ListKeysAsync(CancellationToken cancellationToken = default);

    /// <summary>Revokes a key; false if no active key has that name.</summary>
    Task<bool> RevokeKeyAsync(string name, AuditContext who, CancellationToken cancellationToken = default);

    /// <summary>How many keys exist, revoked ones included (bootstrap happens only on a store with none).</summary>
    Task<int> CountKeysAsync(CancellationToken cancellationToken = default);

    /// <summary>A deployment's stored routing state, or null when none was ever set (it then routes 100 % to <c>stable</c>).</summary>
    Task<RoutingState?> GetRoutingStateAsync(string deployment, CancellationToken cancellationToken = default);

    /// <summary>
    /// Stores a deployment's routing state, audited as <c>routing.set</c> with before and after. The store assigns the
    /// generation (previous + 1, from 1); the one in <paramref name="state"/> is ignored. Refuses versions that do not
    /// exist or are archived; an identical state changes nothing. A different stable version also moves the <c>stable</c>
    /// alias in the same transaction (alias event and <c>alias.set</c> audit), so the two never disagree.
    /// </summary>
    Task<RoutingSetOutcome> SetRoutingStateAsync(RoutingState state, AuditContext who, CancellationToken cancellationToken = default);

    /// <summary>
    /// Stores a new rollout (its state's generation as given, normally 0), audited as <c>rollout.start</c>. At most one
    /// unfinished rollout per deployment: checked under the writer lock and enforced by a unique index.
    /// </summary>
    Task<RolloutStartOutcome> StartRolloutAsync(RolloutState rollout, AuditContext who, CancellationToken cancellationToken = default);

    /// <summary>The gate dataset (JSONL) a rollout was started with, kept beside its state; null without a gate.</summary>
    Task<string?> GetGateDatasetAsync(string rolloutId, CancellationToken cancellationToken = default);

    /// <summary>The deployment's unfinished rollout, or null.</summary>
    Task<RolloutState?> GetActiveRolloutAsync(string deployment, CancellationToken cancellationToken = default);

    /// <summary>Every unfinished rollout, by deployment (the controller loads them at start).</summary>
    Task<IReadOnlyList<RolloutState>> ListActiveRolloutsAsync(CancellationToken cancellationToken = default);

    /// <summary>The deployment's rollouts, newest first.</summary>
    Task<IReadOnlyList<RolloutState>> ListRolloutsAsync(string deployment, CancellationToken cancellationToken = default);

    /// <summary>
    /// Replaces a rollout's state if its stored generation is <paramref name="expectedGeneration"/> (optimistic concurrency);
    /// <paramref name="rollout"/>'s generation must be higher. Audited as <c>rollout.&lt;decision&gt;</c> (the newest history
    /// entry, e.g. <c>rollout.rolled_back</c>) with the phase, reason and evidence in <c>after</c> — except a fenced leader's save
    /// that records no decision and changes neither phase nor step (a tick that only moved counters): that one is not audited.
    /// With <see cref="AuditContext.Completes"/>, the queued command is marked done in the same transaction, and a command
    /// already done makes the save <see cref="RolloutSaveStatus.Stale"/>. The gate dataset is never rewritten.
    /// </summary>
    Task<RolloutSaveStatus> SaveRolloutAsync(RolloutState rollout, long expectedGeneration, AuditContext who, CancellationToken cancellationToken = default);

    /// <summary>
    /// Records a rollback drill and appends <c>drill.run</c> to the audit log (its result as <c>after</c>) in one
    /// transaction. False when the deployment does not exist; throws when the result is not a JSON object.
    /// </summary>
    Task<bool> RecordDrillAsync(StoredDrill drill, CancellationToken cancellationToken = default);

    /// <summary>The deployment's drills, newest first, at most <paramref name="limit"/> (≥ 1).</summary>
    Task<IReadOnlyList<StoredDrill>> ListDrillsAsync(string deployment, int limit, CancellationToken cancellationToken = default);
}
