namespace Switchback.Bench.Fleet;

/// <summary>Every rollback, the traffic that ran meanwhile, and which replica led.</summary>
internal sealed record RollbackResults(IReadOnlyList<RollbackSample> Samples, LoadResult Traffic, int Leader);
