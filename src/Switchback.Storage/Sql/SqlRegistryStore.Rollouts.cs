using System.Data.Common;
using System.Text.Json;
using System.Text.Json.Nodes;
using Switchback.Core.Rollouts;

namespace Switchback.Storage.Sql;

internal abstract partial class SqlRegistryStore
{
    private const string RolloutColumns = "state_json";

    public async Task<RolloutStartOutcome> StartRolloutAsync(RolloutState rollout, AuditContext who, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(rollout);
        ValidateName(rollout.Deployment, "deployment", nameof(rollout));
        ValidateWho(who);
        if (rollout.IsFinished)
        {
            throw new ArgumentException($"rollout {rollout.Id} is already {rollout.Phase}; only an unfinished rollout can be started", nameof(rollout));
        }

        await using var session = await BeginWriteAsync(who, cancellationToken);
        foreach (var version in new[] { rollout.StableVersion, rollout.CandidateVersion })
        {
            var bundle = await FindBundleAsync(session, rollout.Deployment, version);
            if (bundle is null || (bundle.Archived && version == rollout.CandidateVersion))
            {
                return new RolloutStartOutcome(bundle is null ? RolloutStartStatus.NotFound : RolloutStartStatus.Archived, null, version);
            }
        }

        // The writer lock serialises starts, so this check and the insert cannot interleave; the unique index backs it up.
        if (await FindActiveRolloutAsync(session, rollout.Deployment) is { } active)
        {
            return new RolloutStartOutcome(RolloutStartStatus.ActiveExists, active);
        }

        var now = Now();
        await session.ExecuteAsync(
            "INSERT INTO rollouts (id, deployment, candidate, phase, active, state_json, generation, created_at, updated_at) " +
            "VALUES (@i, @d, @c, @p, 1, @s, @g, @t, @t)",
            ("@i", rollout.Id),
            ("@d", rollout.Deployment),
            ("@c", rollout.CandidateVersion),
            ("@p", PhaseText(rollout.Phase)),
            ("@s", RolloutJson.Serialize(rollout with { GateDataset = null })),
            ("@g", rollout.Generation),
            ("@t", TimeValue(now)));
        if (rollout.GateDataset is { } dataset)
        {
            // Kept once, beside the state: the state is rewritten on every tick, the dataset never changes.
            await session.ExecuteAsync("INSERT INTO rollout_gates (rollout_id, dataset) VALUES (@i, @d)", ("@i", rollout.Id), ("@d", dataset));
        }

        await AppendAuditAsync(session, now, who, "rollout.start", rollout.Deployment, null, RolloutAudit(rollout, null));
        await NotifyAsync(session, Fleet.StoreChannels.Control, rollout.Deployment);
        await session.CommitAsync();
        return new RolloutStartOutcome(RolloutStartStatus.Started, rollout with { GateDataset = null });
    }

    public async Task<string?> GetGateDatasetAsync(string rolloutId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(rolloutId);
        await using var session = await BeginAsync(write: false, cancellationToken);
        return await session.ScalarAsync("SELECT dataset FROM rollout_gates WHERE rollout_id = @i", ("@i", rolloutId)) as string;
    }

    public async Task<RolloutState?> GetActiveRolloutAsync(string deployment, CancellationToken cancellationToken = default)
    {
        ValidateName(deployment, "deployment", nameof(deployment));
        await using var session = await BeginAsync(write: false, cancellationToken);
        return await FindActiveRolloutAsync(session, deployment);
    }

    public async Task<IReadOnlyList<RolloutState>> ListActiveRolloutsAsync(CancellationToken cancellationToken = default)
    {
        await using var session = await BeginAsync(write: false, cancellationToken);
        return await session.QueryAsync($"SELECT {RolloutColumns} FROM rollouts WHERE active = 1 ORDER BY deployment", ReadRollout);
    }

    public async Task<IReadOnlyList<RolloutState>> ListRolloutsAsync(string deployment, CancellationToken cancellationToken = default)
    {
        ValidateName(deployment, "deployment", nameof(deployment));
        await using var session = await BeginAsync(write: false, cancellationToken);
        return await session.QueryAsync(
            $"SELECT {RolloutColumns} FROM rollouts WHERE deployment = @d ORDER BY created_at DESC, id DESC", ReadRollout, ("@d", deployment));
    }

    public async Task<RolloutSaveStatus> SaveRolloutAsync(RolloutState rollout, long expectedGeneration, AuditContext who, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(rollout);
        ValidateWho(who);
        if (rollout.Generation <= expectedGeneration)
        {
            throw new ArgumentException(
                $"rollout {rollout.Id}: the new generation {rollout.Generation} must be above the expected {expectedGeneration}", nameof(rollout));
        }

        await using var session = await BeginWriteAsync(who, cancellationToken);
        var previous = await session.QueryFirstAsync($"SELECT {RolloutColumns} FROM rollouts WHERE id = @i", ReadRollout, ("@i", rollout.Id));
        if (previous is null)
        {
            return RolloutSaveStatus.NotFound;
        }

        if (previous.Generation != expectedGeneration)
        {
            return RolloutSaveStatus.Stale;
        }

        if (previous.Deployment != rollout.Deployment || previous.CandidateVersion != rollout.CandidateVersion)
        {
            throw new ArgumentException($"rollout {rollout.Id} belongs to {previous.Deployment}@{previous.CandidateVersion}; its deployment and candidate cannot change", nameof(rollout));
        }

        if (who.Completes is { } command && !await MarkCommandDoneAsync(session, command))
        {
            // The command was applied already (by a leader that died before answering): applying it again would repeat it.
            return RolloutSaveStatus.Stale;
        }

        var now = Now();
        await session.ExecuteAsync(
            "UPDATE rollouts SET phase = @p, active = @a, state_json = @s, generation = @g, updated_at = @t WHERE id = @i AND generation = @e",
            ("@p", PhaseText(rollout.Phase)),
            ("@a", rollout.IsFinished ? 0 : 1),
            ("@s", RolloutJson.Serialize(rollout with { GateDataset = null })),
            ("@g", rollout.Generation),
            ("@t", TimeValue(now)),
            ("@i", rollout.Id),
            ("@e", expectedGeneration));

        // The audit log records decisions, phase and step changes, commands and every write by someone other than the fenced
        // leader; a leader's tick that only moved counters and evidence is in the state alone (else one entry per second).
        var decision = rollout.History.Count > previous.History.Count ? rollout.History[^1].Kind : (DecisionKind?)null;
        if (decision is not null || rollout.Phase != previous.Phase || rollout.StepIndex != previous.StepIndex || who.Completes is not null || who.Fence is null)
        {
            var action = "rollout." + (decision is { } kind ? JsonNamingPolicy.SnakeCaseLower.ConvertName(kind.ToString()) : "update");
            await AppendAuditAsync(session, now, who, action, rollout.Deployment, RolloutAudit(previous, null), RolloutAudit(rollout, decision is null ? null : rollout.History[^1]));
        }

        await session.CommitAsync();
        return RolloutSaveStatus.Saved;
    }

    private Task<RolloutState?> FindActiveRolloutAsync(SqlSession session, string deployment)
        => session.QueryFirstAsync($"SELECT {RolloutColumns} FROM rollouts WHERE deployment = @d AND active = 1", ReadRollout, ("@d", deployment));

    private static RolloutState ReadRollout(DbDataReader reader) => RolloutJson.Deserialize(reader.GetString(0));

    private static string PhaseText(RolloutPhase phase) => JsonNamingPolicy.SnakeCaseLower.ConvertName(phase.ToString());

    /// <summary>The audit view of a rollout: identity, phase and, for a decision, its reason and evidence.</summary>
    private static string RolloutAudit(RolloutState rollout, DecisionRecord? decision)
    {
        var json = new JsonObject
        {
            ["id"] = rollout.Id,
            ["stable"] = rollout.StableVersion,
            ["candidate"] = rollout.CandidateVersion,
            ["phase"] = PhaseText(rollout.Phase),
            ["step"] = rollout.StepIndex,
            ["generation"] = rollout.Generation,
        };
        if (rollout.Spec.Unverified)
        {
            json["unverified"] = true;
        }

        if (decision is not null)
        {
            json["reason"] = decision.Reason;
            json["evidence"] = JsonSerializer.SerializeToNode(decision.Evidence, RolloutJson.Options);
        }

        return json.ToJsonString();
    }
}
