using System.Globalization;
using Switchback.Cli.Client;
using Switchback.Core.Bundles;

namespace Switchback.Cli.Commands;

/// <summary>The <c>evals:</c> lines of <c>bundle show</c>: the version's stored eval reports, part of its lineage.</summary>
internal static class EvalReportLines
{
    public static async Task WriteAsync(CliContext context, VersionRef reference, CancellationToken ct)
    {
        var response = await context.Client.GetAsync($"deployments/{Arguments.Path(reference.Deployment)}/versions/{reference.Version}/evals", ct);
        var evals = response.IsSuccess ? response.Body?["evals"]?.AsArray() : null;
        if (evals is null || evals.Count == 0)
        {
            await context.Out.WriteLineAsync("evals:    none");
            return;
        }

        await context.Out.WriteLineAsync("evals:");
        foreach (var e in evals)
        {
            var mean = e?["mean_score"]?.GetValue<double>().ToString("0.###", CultureInfo.InvariantCulture);
            var pass = e?["pass_rate"]?.GetValue<double>().ToString("0.###", CultureInfo.InvariantCulture);
            await context.Out.WriteLineAsync(
                $"  #{e?["id"]}  {Formats.Time(e?["created_at"])} UTC  mean {mean}  pass rate {pass}  {e?["cases"]} cases  dataset {Formats.Text(e?["dataset_digest"])}");
        }
    }
}
