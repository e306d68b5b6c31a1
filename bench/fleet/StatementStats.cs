namespace Switchback.Bench.Fleet;

/// <summary>One normalised statement of <c>pg_stat_statements</c>: calls, total execution time (ms) and rows since the reset.</summary>
internal sealed record StatementStats(string Query, long Calls, double TotalMs, long Rows);
