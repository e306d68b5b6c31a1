using System.Text.Json.Nodes;
using Npgsql;

namespace Switchback.Bench.Fleet;

/// <summary>
/// The bench's own view of the store, through a separate superuser role so that <c>pg_stat_statements</c> tells its queries
/// from the replicas' (they run as the connection string's user). Counts its own transactions, which the database-wide
/// commit counter includes. Not thread-safe: one caller at a time.
/// </summary>
internal sealed class StoreMonitor : IAsyncDisposable
{
    private readonly NpgsqlConnection connection;
    private readonly string replicaUser;

    private StoreMonitor(NpgsqlConnection connection, string replicaUser)
    {
        this.connection = connection;
        this.replicaUser = replicaUser;
    }

    /// <summary>Statements (each its own transaction) this monitor ran.</summary>
    public long Transactions { get; private set; }

    public static async Task<StoreMonitor> OpenAsync(BenchOptions options)
    {
        var replicas = new NpgsqlConnectionStringBuilder(options.Postgres);
        var own = new NpgsqlConnectionStringBuilder(options.Postgres) { Username = options.MonitorUser, Pooling = false };
        var connection = new NpgsqlConnection(own.ConnectionString);
        await connection.OpenAsync();
        return new StoreMonitor(connection, replicas.Username ?? "postgres");
    }

    public async Task<string> ServerVersionAsync() => (string)(await ScalarAsync("SHOW server_version"))!;

    public async Task ResetStatementsAsync() => await ScalarAsync("SELECT pg_stat_statements_reset()");

    /// <summary>
    /// Committed and rolled-back transactions of this database so far, as the cumulative statistics hold them (a busy backend
    /// flushes its counts about every second).
    /// </summary>
    public async Task<(long Commits, long Rollbacks)> TransactionsAsync()
    {
        await using var command = Command("SELECT xact_commit, xact_rollback FROM pg_stat_database WHERE datname = current_database()");
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        return (reader.GetInt64(0), reader.GetInt64(1));
    }

    /// <summary>Autovacuum and autoanalyze runs on this database's tables so far: their transactions count in <c>xact_commit</c> too.</summary>
    public async Task<long> AutovacuumRunsAsync()
        => Convert.ToInt64(await ScalarAsync("SELECT COALESCE(sum(autovacuum_count + autoanalyze_count), 0) FROM pg_stat_all_tables"), System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The replicas' statements since the last reset, most called first.</summary>
    public async Task<IReadOnlyList<StatementStats>> StatementsAsync()
    {
        var list = new List<StatementStats>();
        await using var command = Command(
            "SELECT s.query, s.calls, s.total_exec_time, s.rows FROM pg_stat_statements s " +
            "JOIN pg_roles r ON r.oid = s.userid JOIN pg_database d ON d.oid = s.dbid " +
            "WHERE r.rolname = @user AND d.datname = current_database() ORDER BY s.calls DESC, s.total_exec_time DESC");
        command.Parameters.AddWithValue("user", replicaUser);
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            list.Add(new StatementStats(reader.GetString(0), reader.GetInt64(1), reader.GetDouble(2), reader.GetInt64(3)));
        }

        return list;
    }

    /// <summary>Each live replica's signal lag as <c>GET /replicas</c> computes it (now in Unix seconds minus the last second shipped), and its stats.</summary>
    public async Task<IReadOnlyList<(string Address, long LagSeconds, JsonObject Stats)>> ReplicasAsync()
    {
        var list = new List<(string, long, JsonObject)>();
        await using var command = Command(
            "SELECT address, GREATEST(0, floor(extract(epoch FROM clock_timestamp()))::bigint - signals_through), stats_json FROM replicas WHERE state = 'live' ORDER BY address");
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            list.Add((reader.GetString(0), reader.GetInt64(1), JsonNode.Parse(reader.GetString(2)) as JsonObject ?? []));
        }

        return list;
    }

    /// <summary>Rows and payload bytes of <c>signal_windows</c> per replica for the seconds in [<paramref name="from"/>, <paramref name="to"/>).</summary>
    public async Task<IReadOnlyList<(string Address, long Rows, long PayloadBytes)>> SignalWindowsAsync(long from, long to)
    {
        var list = new List<(string, long, long)>();
        await using var command = Command(
            "SELECT r.address, count(*), COALESCE(sum(length(w.payload)), 0)::bigint FROM signal_windows w JOIN replicas r ON r.id = w.replica " +
            "WHERE w.second >= @from AND w.second < @to GROUP BY r.address ORDER BY r.address");
        command.Parameters.AddWithValue("from", from);
        command.Parameters.AddWithValue("to", to);
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            list.Add((reader.GetString(0), reader.GetInt64(1), reader.GetInt64(2)));
        }

        return list;
    }

    /// <summary>Rows of <c>rollout_units</c> (every rollout, every replica) for the seconds in [<paramref name="from"/>, <paramref name="to"/>).</summary>
    public async Task<long> UnitRowsAsync(long from, long to)
    {
        await using var command = Command("SELECT count(*) FROM rollout_units WHERE second >= @from AND second < @to");
        command.Parameters.AddWithValue("from", from);
        command.Parameters.AddWithValue("to", to);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    public ValueTask DisposeAsync() => connection.DisposeAsync();

    private async Task<object?> ScalarAsync(string sql)
    {
        await using var command = Command(sql);
        return await command.ExecuteScalarAsync();
    }

    private NpgsqlCommand Command(string sql)
    {
        Transactions++;
        return new NpgsqlCommand(sql, connection);
    }
}
