using System.Globalization;
using Switchback.Core.Rollouts;
using Switchback.Storage;

namespace Switchback.Control.OfflineEvals;

/// <summary>A gate's outcome: the <see cref="GateResult"/> for the decider and the stored reports behind it.</summary>
/// <param name="Result">Candidate's and (when measured) stable's mean score.</param>
/// <param name="CandidateReport">The candidate's stored report.</param>
/// <param name="StableReport">Stable's stored report, when the gate compared.</param>
public sealed record GateRun(GateResult Result, StoredEvalReport CandidateReport, StoredEvalReport? StableReport)
{
    /// <summary>One line for <c>rollout status</c>, alerts and the audit reason: report ids and aggregates.</summary>
    public string Summary
    {
        get
        {
            var c = CandidateReport;
            var line = string.Create(CultureInfo.InvariantCulture,
                $"candidate {c.Deployment}@{c.Version} eval #{c.Id}: mean {c.MeanScore:0.###}, pass rate {c.PassRate:0.###}, {c.CaseCount} cases, {c.Errors} errors");
            return StableReport is { } s
                ? line + string.Create(CultureInfo.InvariantCulture, $"; stable @{s.Version} eval #{s.Id}: mean {s.MeanScore:0.###}")
                : line;
        }
    }
}
