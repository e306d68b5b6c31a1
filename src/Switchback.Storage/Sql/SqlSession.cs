using System.Data.Common;

namespace Switchback.Storage.Sql;

/// <summary>
/// One connection with one open transaction. Disposing without <see cref="CommitAsync"/> rolls back,
/// which is how "nothing written" outcomes (Existing, Conflict, Unchanged) leave the store untouched.
/// Driver errors that mean the store is unavailable leave as <see cref="StoreUnavailableException"/> (<paramref name="unavailable"/>
/// decides). Not thread-safe: one operation owns it.
/// </summary>
internal sealed class SqlSession(
    DbConnection connection,
    DbTransaction transaction,
    Func<DbException, StoreUnavailableException?> unavailable,
    CancellationToken cancellationToken) : IAsyncDisposable
{
    public CancellationToken CancellationToken => cancellationToken;

    public DbConnection Connection => connection;

    public async Task<int> ExecuteAsync(string sql, params (string Name, object? Value)[] parameters)
    {
        await using var command = Create(sql, parameters);
        try
        {
            return await command.ExecuteNonQueryAsync(cancellationToken);
        }
        catch (DbException ex) when (unavailable(ex) is { } translated)
        {
            throw translated;
        }

    }

    public async Task<object?> ScalarAsync(string sql, params (string Name, object? Value)[] parameters)
    {
        await using var command = Create(sql, parameters);
        object? value;
        try
        {
            value = await command.ExecuteScalarAsync(cancellationToken);
        }
        catch (DbException ex) when (unavailable(ex) is { } translated)
        {
            throw translated;
        }

        return value is DBNull ? null : value;
    }

    public async Task<List<T>> QueryAsync<T>(string sql, Func<DbDataReader, T> map, params (string Name, object? Value)[] parameters)
    {
        await using var command = Create(sql, parameters);
        try
        {
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            var rows = new List<T>();
            while (await reader.ReadAsync(cancellationToken))
            {
                rows.Add(map(reader));
            }

            return rows;
        }
        catch (DbException ex) when (unavailable(ex) is { } translated)
        {
            throw translated;
        }
    }

    public async Task<T?> QueryFirstAsync<T>(string sql, Func<DbDataReader, T> map, params (string Name, object? Value)[] parameters)
        where T : class
    {
        var rows = await QueryAsync(sql, map, parameters);
        return rows.Count == 0 ? null : rows[0];
    }

    private List<Action>? committed;

    /// <summary>Runs <paramref name="action"/> once the transaction has committed (never on rollback).</summary>
    public void OnCommitted(Action action) => (committed ??= []).Add(action);

    public async Task CommitAsync()
    {
        try
        {
            await transaction.CommitAsync(cancellationToken);
        }
        catch (DbException ex) when (unavailable(ex) is { } translated)
        {
            throw translated;
        }

        if (committed is { } actions)
        {
            committed = null;
            foreach (var action in actions)
            {
                action();
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await transaction.DisposeAsync();
        await connection.DisposeAsync();
    }

    private DbCommand Create(string sql, (string Name, object? Value)[] parameters)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = name;
            parameter.Value = value ?? DBNull.Value;
            command.Parameters.Add(parameter);
        }

        return command;
    }
}
