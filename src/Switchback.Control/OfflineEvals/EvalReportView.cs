using Switchback.Core.OfflineEvals;
using Switchback.Storage;

namespace Switchback.Control.OfflineEvals;

/// <summary>The answer to a run: the stored summary (with its id) and the whole report.</summary>
internal sealed record EvalReportView(EvalSummaryView Summary, EvalReport Report)
{
    public static EvalReportView From(StoredEvalReport stored, EvalReport report) => new(EvalSummaryView.From(stored), report);
}
