using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace Switchback.Control.OfflineEvals;

/// <summary>Writes progress as NDJSON lines, one at a time in order (reports arrive from several workers at once).</summary>
internal sealed class ProgressWriter(HttpResponse response, CancellationToken ct) : IProgress<EvalProgress>
{
    private readonly Lock _gate = new();
    private Task _last = Task.CompletedTask;

    public void Report(EvalProgress value)
    {
        var line = new JsonObject { ["event"] = "progress", ["done"] = value.Done, ["total"] = value.Total, ["case"] = value.CaseId, ["score"] = value.Score };
        lock (_gate)
        {
            _last = _last.ContinueWith(_ => WriteAsync(line), ct, TaskContinuationOptions.None, TaskScheduler.Default).Unwrap();
        }
    }

    /// <summary>Waits for every progress line already reported.</summary>
    public Task DrainAsync()
    {
        lock (_gate)
        {
            return _last;
        }
    }

    public async Task WriteAsync(JsonObject line)
    {
        await response.WriteAsync(line.ToJsonString() + "\n", Encoding.UTF8, ct);
        await response.Body.FlushAsync(ct);
    }
}
