namespace Switchback.Bench.Fleet;

/// <summary>When the run started and how long it took, the machine, and its load average before and after.</summary>
internal sealed record RunFacts(DateTimeOffset StartedAt, TimeSpan Elapsed, string Machine, string LoadBefore, string LoadAfter);
