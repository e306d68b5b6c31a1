using Switchback.Storage.Migrations;

namespace Switchback.Storage.Postgres;

/// <summary>
/// The PostgreSQL schema as numbered migrations: the same tables as SQLite with native types
/// (timestamptz, boolean, bigint identity). Never edit a released migration: add the next number.
/// </summary>
internal static class PostgresSchema
{
    public const string CreateMigrationsTable =
        "CREATE TABLE IF NOT EXISTS schema_migrations (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL)";

    public static IReadOnlyList<Migration> Migrations { get; } =
    [
        new(1, "registry", """
            CREATE TABLE deployments (
                name text PRIMARY KEY,
                created_at timestamptz NOT NULL
            );
            CREATE TABLE bundles (
                deployment text NOT NULL REFERENCES deployments (name),
                version integer NOT NULL CHECK (version >= 1),
                digest text NOT NULL,
                content_json text NOT NULL,
                created_at timestamptz NOT NULL,
                created_by text NOT NULL,
                archived boolean NOT NULL DEFAULT false,
                PRIMARY KEY (deployment, version)
            );
            CREATE INDEX bundles_by_digest ON bundles (deployment, digest);
            CREATE TABLE aliases (
                deployment text NOT NULL,
                alias text NOT NULL,
                version integer NOT NULL,
                updated_at timestamptz NOT NULL,
                PRIMARY KEY (deployment, alias),
                FOREIGN KEY (deployment, version) REFERENCES bundles (deployment, version)
            );
            CREATE TABLE alias_events (
                id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                deployment text NOT NULL REFERENCES deployments (name),
                alias text NOT NULL,
                from_version integer,
                to_version integer NOT NULL,
                occurred_at timestamptz NOT NULL,
                actor text NOT NULL,
                reason text
            );
            CREATE INDEX alias_events_by_deployment ON alias_events (deployment, id);
            """),
        new(2, "api-keys", """
            CREATE TABLE api_keys (
                name text PRIMARY KEY,
                role text NOT NULL CHECK (role IN ('viewer', 'operator', 'admin')),
                key_hash text NOT NULL UNIQUE,
                created_at timestamptz NOT NULL,
                created_by text NOT NULL,
                revoked_at timestamptz
            );
            """),
        new(3, "audit-log", """
            CREATE TABLE audit_log (
                seq bigint PRIMARY KEY CHECK (seq >= 1),
                occurred_at timestamptz NOT NULL,
                actor text NOT NULL,
                action text NOT NULL,
                target text NOT NULL,
                before_state text,
                after_state text,
                reason text,
                prev_hash text NOT NULL,
                hash text NOT NULL
            );
            CREATE INDEX audit_log_by_target ON audit_log (target);
            CREATE TABLE audit_head (
                id integer PRIMARY KEY CHECK (id = 1),
                seq bigint NOT NULL,
                hash text NOT NULL
            );
            """),
        new(4, "routing-state", """
            CREATE TABLE routing_state (
                deployment text PRIMARY KEY REFERENCES deployments (name),
                stable integer NOT NULL,
                candidate integer,
                candidate_weight_bps integer NOT NULL DEFAULT 0 CHECK (candidate_weight_bps BETWEEN 0 AND 10000),
                shadow integer,
                shadow_sample_bps integer NOT NULL DEFAULT 0 CHECK (shadow_sample_bps BETWEEN 0 AND 10000),
                sticky_source text NOT NULL CHECK (sticky_source IN ('header', 'user', 'random')),
                generation bigint NOT NULL CHECK (generation >= 1),
                updated_at timestamptz NOT NULL,
                FOREIGN KEY (deployment, stable) REFERENCES bundles (deployment, version),
                FOREIGN KEY (deployment, candidate) REFERENCES bundles (deployment, version),
                FOREIGN KEY (deployment, shadow) REFERENCES bundles (deployment, version)
            );
            """),
        new(5, "rollouts", """
            CREATE TABLE rollouts (
                id text PRIMARY KEY,
                deployment text NOT NULL REFERENCES deployments (name),
                candidate integer NOT NULL,
                phase text NOT NULL,
                active integer NOT NULL CHECK (active IN (0, 1)),
                state_json text NOT NULL,
                generation bigint NOT NULL CHECK (generation >= 0),
                created_at timestamptz NOT NULL,
                updated_at timestamptz NOT NULL
            );
            CREATE UNIQUE INDEX rollouts_one_active ON rollouts (deployment) WHERE active = 1;
            CREATE INDEX rollouts_by_deployment ON rollouts (deployment, created_at);
            """),
        new(6, "eval-reports", """
            CREATE TABLE eval_reports (
                id bigint PRIMARY KEY CHECK (id >= 1),
                deployment text NOT NULL,
                version integer NOT NULL,
                bundle_digest text NOT NULL,
                dataset_digest text NOT NULL,
                mean_score double precision NOT NULL,
                pass_rate double precision NOT NULL,
                case_count integer NOT NULL,
                errors integer NOT NULL,
                created_at timestamptz NOT NULL,
                created_by text NOT NULL,
                report_json text NOT NULL,
                FOREIGN KEY (deployment, version) REFERENCES bundles (deployment, version)
            );
            CREATE INDEX eval_reports_by_version ON eval_reports (deployment, version);
            """),
        new(7, "drills", """
            CREATE TABLE drills (
                id text PRIMARY KEY,
                deployment text NOT NULL REFERENCES deployments (name),
                dry_run integer NOT NULL CHECK (dry_run IN (0, 1)),
                outcome text NOT NULL,
                started_at timestamptz NOT NULL,
                actor text NOT NULL,
                reason text NOT NULL,
                result_json text NOT NULL
            );
            CREATE INDEX drills_by_deployment ON drills (deployment, started_at);
            """),
        // Removing an alias is a history event with no target.
        new(8, "alias-removal", "ALTER TABLE alias_events ALTER COLUMN to_version DROP NOT NULL"),
        // The same table as SQLite's (one schema); only the SQLite store compares it, since a database cannot be swapped
        // under an open PostgreSQL connection. md5 of random text rather than gen_random_uuid(), which needs PostgreSQL 13.
        new(9, "store-identity", """
            CREATE TABLE store_identity (
                id integer PRIMARY KEY CHECK (id = 1),
                identity text NOT NULL
            );
            INSERT INTO store_identity (id, identity) VALUES (1, md5(random()::text || clock_timestamp()::text));
            """),
        new(10, "fleet", """
            CREATE TABLE leader_lease (
                name text PRIMARY KEY,
                holder text NOT NULL,
                term bigint NOT NULL CHECK (term >= 1),
                renewals bigint NOT NULL,
                acquired_at timestamptz NOT NULL,
                renewed_at timestamptz NOT NULL
            );
            CREATE TABLE replicas (
                id text PRIMARY KEY,
                address text NOT NULL,
                software_version text NOT NULL,
                started_at timestamptz NOT NULL,
                heartbeat_at timestamptz NOT NULL,
                beats bigint NOT NULL,
                routing_epoch bigint NOT NULL,
                routing_applied_at timestamptz,
                signals_through bigint NOT NULL,
                leader integer NOT NULL CHECK (leader IN (0, 1)),
                state text NOT NULL,
                lost_at timestamptz,
                stats_json text NOT NULL
            );
            CREATE TABLE routing_epoch (id integer PRIMARY KEY CHECK (id = 1), epoch bigint NOT NULL);
            INSERT INTO routing_epoch (id, epoch) VALUES (1, 0);
            CREATE TABLE signal_windows (
                deployment text NOT NULL,
                second bigint NOT NULL,
                version integer NOT NULL,
                replica text NOT NULL,
                payload bytea NOT NULL,
                PRIMARY KEY (deployment, second, version, replica)
            );
            CREATE INDEX signal_windows_by_second ON signal_windows (second);
            CREATE TABLE rollout_commands (
                id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                deployment text NOT NULL,
                command text NOT NULL,
                reason text,
                actor text NOT NULL,
                created_at timestamptz NOT NULL,
                done_at timestamptz,
                outcome_json text
            );
            CREATE INDEX rollout_commands_pending ON rollout_commands (id) WHERE done_at IS NULL;
            CREATE TABLE fleet_secrets (name text PRIMARY KEY, value text NOT NULL);
            CREATE TABLE rollout_gates (
                rollout_id text PRIMARY KEY REFERENCES rollouts (id),
                dataset text NOT NULL
            );
            INSERT INTO rollout_gates (rollout_id, dataset)
                SELECT id, (state_json::jsonb) ->> 'gateDataset' FROM rollouts WHERE (state_json::jsonb) ->> 'gateDataset' IS NOT NULL;
            """),
        // A rollout's salt for sticky buckets (issue 12): each rollout orders users afresh.
        new(11, "routing-salt", "ALTER TABLE routing_state ADD COLUMN salt text"),
        // Units of a rollout's evidence (issue 12): one per rollout and key, whichever replica formed it first.
        new(12, "rollout-units", """
            CREATE TABLE rollout_units (
                rollout_id text NOT NULL,
                key_hash bigint NOT NULL,
                second bigint NOT NULL,
                replica text NOT NULL,
                deployment text NOT NULL,
                version integer NOT NULL,
                candidate integer NOT NULL CHECK (candidate IN (0, 1)),
                weight_bps integer NOT NULL,
                failures integer NOT NULL,
                max_latency_ms double precision,
                max_ttft_ms double precision,
                requests integer NOT NULL,
                PRIMARY KEY (rollout_id, key_hash)
            );
            CREATE INDEX rollout_units_by_second ON rollout_units (rollout_id, second);
            """),
        // A key's later units (issue 12): after the weight rises, a key seen only on the baseline forms a new unit; prior_bps is
        // the weight it was last seen at on the baseline (0 for a first unit), and its key_hash is mixed with it.
        new(13, "unit-prior", "ALTER TABLE rollout_units ADD COLUMN prior_bps integer NOT NULL DEFAULT 0"),
        // Conversation affinity (issue 13): which version owns each response and conversation, shared by the replicas and
        // pruned by age and count (docs/gateway.md).
        new(14, "response-owners", """
            CREATE TABLE response_owners (
                kind text NOT NULL CHECK (kind IN ('response', 'conversation')),
                id text NOT NULL,
                deployment text NOT NULL,
                version integer NOT NULL,
                recorded_at timestamptz NOT NULL,
                PRIMARY KEY (kind, id)
            );
            CREATE INDEX response_owners_by_age ON response_owners (recorded_at);
            """),
        // Evaluation and feedback units (issue 12): a key's first evaluated answer and first feedback per weight are units of
        // their own streams; kind says which (0 requests, 1 evaluation, 2 feedback) and key_hash is mixed with it.
        new(15, "unit-kind", "ALTER TABLE rollout_units ADD COLUMN kind integer NOT NULL DEFAULT 0"),
        // Monitors (issue 15): one per deployment, its spec and the leader's detector state (docs/fleet.md "monitors").
        new(16, "monitors", """
            CREATE TABLE monitors (
                deployment text PRIMARY KEY NOT NULL REFERENCES deployments (name),
                spec_json text NOT NULL,
                generation bigint NOT NULL,
                applied_at timestamptz NOT NULL,
                applied_by text NOT NULL,
                state_json text,
                state_through bigint
            );
            """),
        // The guardrails' evidence over time (issue 14): the leading controller's points per rollout and guardrail, thinned to a
        // bound (docs/api.md, "Evidence series").
        new(17, "evidence-points", """
            CREATE TABLE evidence_points (
                rollout_id text NOT NULL,
                guardrail text NOT NULL,
                at_ms bigint NOT NULL,
                e_value double precision NOT NULL,
                threshold double precision,
                baseline_events bigint NOT NULL,
                baseline_trials bigint NOT NULL,
                candidate_events bigint NOT NULL,
                candidate_trials bigint NOT NULL,
                by_unit integer NOT NULL CHECK (by_unit IN (0, 1)),
                PRIMARY KEY (rollout_id, guardrail, at_ms)
            );
            """),
    ];
}
