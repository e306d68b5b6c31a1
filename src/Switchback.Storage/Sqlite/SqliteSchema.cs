using Switchback.Storage.Migrations;

namespace Switchback.Storage.Sqlite;

/// <summary>
/// The SQLite schema as numbered migrations. Times are TEXT in ISO 8601 UTC with milliseconds (sortable);
/// booleans are INTEGER 0/1. Never edit a released migration: add the next number.
/// </summary>
internal static class SqliteSchema
{
    public const string CreateMigrationsTable =
        "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY NOT NULL, name TEXT NOT NULL, applied_at TEXT NOT NULL)";

    public static IReadOnlyList<Migration> Migrations { get; } =
    [
        new(1, "registry", """
            CREATE TABLE deployments (
                name TEXT PRIMARY KEY NOT NULL,
                created_at TEXT NOT NULL
            );
            CREATE TABLE bundles (
                deployment TEXT NOT NULL REFERENCES deployments (name),
                version INTEGER NOT NULL CHECK (version >= 1),
                digest TEXT NOT NULL,
                content_json TEXT NOT NULL,
                created_at TEXT NOT NULL,
                created_by TEXT NOT NULL,
                archived INTEGER NOT NULL DEFAULT 0 CHECK (archived IN (0, 1)),
                PRIMARY KEY (deployment, version)
            );
            CREATE INDEX bundles_by_digest ON bundles (deployment, digest);
            CREATE TABLE aliases (
                deployment TEXT NOT NULL,
                alias TEXT NOT NULL,
                version INTEGER NOT NULL,
                updated_at TEXT NOT NULL,
                PRIMARY KEY (deployment, alias),
                FOREIGN KEY (deployment, version) REFERENCES bundles (deployment, version)
            );
            CREATE TABLE alias_events (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                deployment TEXT NOT NULL REFERENCES deployments (name),
                alias TEXT NOT NULL,
                from_version INTEGER,
                to_version INTEGER NOT NULL,
                occurred_at TEXT NOT NULL,
                actor TEXT NOT NULL,
                reason TEXT
            );
            CREATE INDEX alias_events_by_deployment ON alias_events (deployment, id);
            """),
        new(2, "api-keys", """
            CREATE TABLE api_keys (
                name TEXT PRIMARY KEY NOT NULL,
                role TEXT NOT NULL CHECK (role IN ('viewer', 'operator', 'admin')),
                key_hash TEXT NOT NULL UNIQUE,
                created_at TEXT NOT NULL,
                created_by TEXT NOT NULL,
                revoked_at TEXT
            );
            """),
        new(3, "audit-log", """
            CREATE TABLE audit_log (
                seq INTEGER PRIMARY KEY NOT NULL CHECK (seq >= 1),
                occurred_at TEXT NOT NULL,
                actor TEXT NOT NULL,
                action TEXT NOT NULL,
                target TEXT NOT NULL,
                before_state TEXT,
                after_state TEXT,
                reason TEXT,
                prev_hash TEXT NOT NULL,
                hash TEXT NOT NULL
            );
            CREATE INDEX audit_log_by_target ON audit_log (target);
            CREATE TABLE audit_head (
                id INTEGER PRIMARY KEY NOT NULL CHECK (id = 1),
                seq INTEGER NOT NULL,
                hash TEXT NOT NULL
            );
            """),
        new(4, "routing-state", """
            CREATE TABLE routing_state (
                deployment TEXT PRIMARY KEY NOT NULL REFERENCES deployments (name),
                stable INTEGER NOT NULL,
                candidate INTEGER,
                candidate_weight_bps INTEGER NOT NULL DEFAULT 0 CHECK (candidate_weight_bps BETWEEN 0 AND 10000),
                shadow INTEGER,
                shadow_sample_bps INTEGER NOT NULL DEFAULT 0 CHECK (shadow_sample_bps BETWEEN 0 AND 10000),
                sticky_source TEXT NOT NULL CHECK (sticky_source IN ('header', 'user', 'random')),
                generation INTEGER NOT NULL CHECK (generation >= 1),
                updated_at TEXT NOT NULL,
                FOREIGN KEY (deployment, stable) REFERENCES bundles (deployment, version),
                FOREIGN KEY (deployment, candidate) REFERENCES bundles (deployment, version),
                FOREIGN KEY (deployment, shadow) REFERENCES bundles (deployment, version)
            );
            """),
        new(5, "rollouts", """
            CREATE TABLE rollouts (
                id TEXT PRIMARY KEY NOT NULL,
                deployment TEXT NOT NULL REFERENCES deployments (name),
                candidate INTEGER NOT NULL,
                phase TEXT NOT NULL,
                active INTEGER NOT NULL CHECK (active IN (0, 1)),
                state_json TEXT NOT NULL,
                generation INTEGER NOT NULL CHECK (generation >= 0),
                created_at TEXT NOT NULL,
                updated_at TEXT NOT NULL
            );
            CREATE UNIQUE INDEX rollouts_one_active ON rollouts (deployment) WHERE active = 1;
            CREATE INDEX rollouts_by_deployment ON rollouts (deployment, created_at);
            """),
        new(6, "eval-reports", """
            CREATE TABLE eval_reports (
                id INTEGER PRIMARY KEY NOT NULL CHECK (id >= 1),
                deployment TEXT NOT NULL,
                version INTEGER NOT NULL,
                bundle_digest TEXT NOT NULL,
                dataset_digest TEXT NOT NULL,
                mean_score REAL NOT NULL,
                pass_rate REAL NOT NULL,
                case_count INTEGER NOT NULL,
                errors INTEGER NOT NULL,
                created_at TEXT NOT NULL,
                created_by TEXT NOT NULL,
                report_json TEXT NOT NULL,
                FOREIGN KEY (deployment, version) REFERENCES bundles (deployment, version)
            );
            CREATE INDEX eval_reports_by_version ON eval_reports (deployment, version);
            """),
        new(7, "drills", """
            CREATE TABLE drills (
                id TEXT PRIMARY KEY NOT NULL,
                deployment TEXT NOT NULL REFERENCES deployments (name),
                dry_run INTEGER NOT NULL CHECK (dry_run IN (0, 1)),
                outcome TEXT NOT NULL,
                started_at TEXT NOT NULL,
                actor TEXT NOT NULL,
                reason TEXT NOT NULL,
                result_json TEXT NOT NULL
            );
            CREATE INDEX drills_by_deployment ON drills (deployment, started_at);
            """),
        // Removing an alias is a history event with no target: to_version becomes nullable (SQLite needs a table rebuild).
        new(8, "alias-removal", """
            CREATE TABLE alias_events_v8 (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                deployment TEXT NOT NULL REFERENCES deployments (name),
                alias TEXT NOT NULL,
                from_version INTEGER,
                to_version INTEGER,
                occurred_at TEXT NOT NULL,
                actor TEXT NOT NULL,
                reason TEXT
            );
            INSERT INTO alias_events_v8 (id, deployment, alias, from_version, to_version, occurred_at, actor, reason)
                SELECT id, deployment, alias, from_version, to_version, occurred_at, actor, reason FROM alias_events;
            DROP TABLE alias_events;
            ALTER TABLE alias_events_v8 RENAME TO alias_events;
            CREATE INDEX alias_events_by_deployment ON alias_events (deployment, id);
            """),
        // A random identity, written once: an open store compares it on every session, so a file replaced under it is noticed.
        new(9, "store-identity", """
            CREATE TABLE store_identity (
                id INTEGER PRIMARY KEY NOT NULL CHECK (id = 1),
                identity TEXT NOT NULL
            );
            INSERT INTO store_identity (id, identity) VALUES (1, lower(hex(randomblob(16))));
            """),
        // The fleet (docs/fleet.md): controller lease, replica heartbeats and signal windows, routing epoch, queued rollout
        // commands; and gate datasets out of the rollout state, which is rewritten on every tick.
        new(10, "fleet", """
            CREATE TABLE leader_lease (
                name TEXT PRIMARY KEY NOT NULL,
                holder TEXT NOT NULL,
                term INTEGER NOT NULL CHECK (term >= 1),
                renewals INTEGER NOT NULL,
                acquired_at TEXT NOT NULL,
                renewed_at TEXT NOT NULL
            );
            CREATE TABLE replicas (
                id TEXT PRIMARY KEY NOT NULL,
                address TEXT NOT NULL,
                software_version TEXT NOT NULL,
                started_at TEXT NOT NULL,
                heartbeat_at TEXT NOT NULL,
                beats INTEGER NOT NULL,
                routing_epoch INTEGER NOT NULL,
                routing_applied_at TEXT,
                signals_through INTEGER NOT NULL,
                leader INTEGER NOT NULL CHECK (leader IN (0, 1)),
                state TEXT NOT NULL,
                lost_at TEXT,
                stats_json TEXT NOT NULL
            );
            CREATE TABLE routing_epoch (id INTEGER PRIMARY KEY NOT NULL CHECK (id = 1), epoch INTEGER NOT NULL);
            INSERT INTO routing_epoch (id, epoch) VALUES (1, 0);
            CREATE TABLE signal_windows (
                deployment TEXT NOT NULL,
                second INTEGER NOT NULL,
                version INTEGER NOT NULL,
                replica TEXT NOT NULL,
                payload BLOB NOT NULL,
                PRIMARY KEY (deployment, second, version, replica)
            ) WITHOUT ROWID;
            CREATE INDEX signal_windows_by_second ON signal_windows (second);
            CREATE TABLE rollout_commands (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                deployment TEXT NOT NULL,
                command TEXT NOT NULL,
                reason TEXT,
                actor TEXT NOT NULL,
                created_at TEXT NOT NULL,
                done_at TEXT,
                outcome_json TEXT
            );
            CREATE INDEX rollout_commands_pending ON rollout_commands (done_at, id);
            CREATE TABLE fleet_secrets (name TEXT PRIMARY KEY NOT NULL, value TEXT NOT NULL);
            CREATE TABLE rollout_gates (
                rollout_id TEXT PRIMARY KEY NOT NULL REFERENCES rollouts (id),
                dataset TEXT NOT NULL
            );
            INSERT INTO rollout_gates (rollout_id, dataset)
                SELECT id, json_extract(state_json, '$.gateDataset') FROM rollouts WHERE json_extract(state_json, '$.gateDataset') IS NOT NULL;
            """),
        // A rollout's salt for sticky buckets (issue 12): each rollout orders users afresh.
        new(11, "routing-salt", "ALTER TABLE routing_state ADD COLUMN salt TEXT"),
        // Units of a rollout's evidence (issue 12): one per rollout and key, whichever replica formed it first.
        new(12, "rollout-units", """
            CREATE TABLE rollout_units (
                rollout_id TEXT NOT NULL,
                key_hash INTEGER NOT NULL,
                second INTEGER NOT NULL,
                replica TEXT NOT NULL,
                deployment TEXT NOT NULL,
                version INTEGER NOT NULL,
                candidate INTEGER NOT NULL CHECK (candidate IN (0, 1)),
                weight_bps INTEGER NOT NULL,
                failures INTEGER NOT NULL,
                max_latency_ms REAL,
                max_ttft_ms REAL,
                requests INTEGER NOT NULL,
                PRIMARY KEY (rollout_id, key_hash)
            );
            CREATE INDEX rollout_units_by_second ON rollout_units (rollout_id, second);
            """),
        // A key's later units (issue 12): after the weight rises, a key seen only on the baseline forms a new unit; prior_bps is
        // the weight it was last seen at on the baseline (0 for a first unit), and its key_hash is mixed with it.
        new(13, "unit-prior", "ALTER TABLE rollout_units ADD COLUMN prior_bps INTEGER NOT NULL DEFAULT 0"),
        // Conversation affinity (issue 13): which version owns each response and conversation, shared by the replicas and
        // pruned by age and count (docs/gateway.md).
        new(14, "response-owners", """
            CREATE TABLE response_owners (
                kind TEXT NOT NULL CHECK (kind IN ('response', 'conversation')),
                id TEXT NOT NULL,
                deployment TEXT NOT NULL,
                version INTEGER NOT NULL,
                recorded_at TEXT NOT NULL,
                PRIMARY KEY (kind, id)
            ) WITHOUT ROWID;
            CREATE INDEX response_owners_by_age ON response_owners (recorded_at);
            """),
        // Evaluation and feedback units (issue 12): a key's first evaluated answer and first feedback per weight are units of
        // their own streams; kind says which (0 requests, 1 evaluation, 2 feedback) and key_hash is mixed with it.
        new(15, "unit-kind", "ALTER TABLE rollout_units ADD COLUMN kind INTEGER NOT NULL DEFAULT 0"),
        // Monitors (issue 15): one per deployment, its spec and the leader's detector state (docs/fleet.md "monitors").
        new(16, "monitors", """
            CREATE TABLE monitors (
                deployment TEXT PRIMARY KEY NOT NULL REFERENCES deployments (name),
                spec_json TEXT NOT NULL,
                generation INTEGER NOT NULL,
                applied_at TEXT NOT NULL,
                applied_by TEXT NOT NULL,
                state_json TEXT,
                state_through INTEGER
            );
            """),
        // The guardrails' evidence over time (issue 14): the leading controller's points per rollout and guardrail, thinned to a
        // bound (docs/api.md, "Evidence series").
        new(17, "evidence-points", """
            CREATE TABLE evidence_points (
                rollout_id TEXT NOT NULL,
                guardrail TEXT NOT NULL,
                at_ms INTEGER NOT NULL,
                e_value REAL NOT NULL,
                threshold REAL,
                baseline_events INTEGER NOT NULL,
                baseline_trials INTEGER NOT NULL,
                candidate_events INTEGER NOT NULL,
                candidate_trials INTEGER NOT NULL,
                by_unit INTEGER NOT NULL CHECK (by_unit IN (0, 1)),
                PRIMARY KEY (rollout_id, guardrail, at_ms)
            ) WITHOUT ROWID;
            """),
    ];
}
