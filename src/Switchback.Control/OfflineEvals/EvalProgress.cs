namespace Switchback.Control.OfflineEvals;

/// <summary>Progress of a run: cases finished of the total, and the case that just finished.</summary>
public sealed record EvalProgress(int Done, int Total, string CaseId, double Score);
