using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Switchback.Control.OfflineEvals;
using Switchback.Core.Access;
using Switchback.Core.OfflineEvals;
using Switchback.Gateway.Routing;
using Switchback.Storage;

namespace Switchback.Control.Admin;

/// <summary>
/// <c>POST/GET /deployments/{d}/versions/{v}/evals[/{id}]</c>: run a dataset against a version on the server and store the
/// report with the version. The dataset travels as text in the body (the CLI reads the file), so the server never reads
/// paths a caller names.
/// </summary>
internal static class EvalEndpoints
{
    public static void Map(IEndpointRouteBuilder api)
    {
        api.MapPost("/deployments/{deployment}/versions/{version}/evals", RunAsync).RequireRole(Role.Operator);
        api.MapGet("/deployments/{deployment}/versions/{version}/evals", ListAsync).RequireRole(Role.Viewer);
        api.MapGet("/deployments/{deployment}/versions/{version}/evals/{id}", GetAsync).RequireRole(Role.Viewer);
    }

    private static async Task<IResult> RunAsync(string deployment, string version, HttpContext http, IRegistryStore store, EvalRunner runner, RoutingSnapshotLoader loader, IServer server, CancellationToken ct)
    {
        if (RequestInput.CheckVersion(deployment, version, out var reference) is { } error)
        {
            return error;
        }

        var (body, bodyError) = await RequestInput.ReadObjectAsync(http.Request);
        if (bodyError is not null)
        {
            return bodyError;
        }

        if (!RequestInput.TryGetString(body!, "dataset", required: true, out var text, out error))
        {
            return error!;
        }

        if (ReadOptions(body!, out var options) is { } optionsError)
        {
            return optionsError;
        }

        var parsed = EvalDataset.Parse(text!);
        if (!parsed.IsValid)
        {
            return Results.Json(
                new
                {
                    Error = new { Message = "The dataset is invalid: " + string.Join("; ", parsed.Errors.Take(5)), Type = "invalid_request_error", Code = "invalid_dataset" },
                    Details = parsed.Errors.Select(e => new { e.Line, e.Field, e.Message }),
                },
                AdminJson.Options,
                statusCode: StatusCodes.Status400BadRequest);
        }

        var bundle = await store.GetBundleAsync(reference, ct);
        if (bundle is null)
        {
            return ApiError.NotFound("version_not_found", $"Version {reference} does not exist.");
        }

        if (bundle.Archived)
        {
            return ApiError.Conflict("version_archived", $"{reference} is archived; the gateway does not serve it, so it cannot be evaluated.");
        }

        // Versions registered since the gateway's last poll (up to 1 s ago) must be routable now, the judge's too.
        await loader.RefreshAsync(ct);
        var caller = RoleFilter.Caller(http);
        var target = new EvalTarget(reference, bundle.Digest, EvalReports.GatewayAddress(server), BearerKey(http.Request));
        var stream = http.Request.Query["stream"].ToString() == "true";
        if (!stream)
        {
            var report = await runner.RunAsync(target, parsed.Dataset!, options, null, ct);
            var stored = await EvalReports.StoreAsync(store, reference, report, caller.Name, ct);
            return Results.Json(EvalReportView.From(stored!, report), AdminJson.Options, statusCode: StatusCodes.Status201Created);
        }

        // Streaming: one JSON object per line — progress events, then the stored report — so the CLI can draw a progress bar.
        http.Response.StatusCode = StatusCodes.Status200OK;
        http.Response.ContentType = "application/x-ndjson";
        await http.Response.StartAsync(ct);
        var lines = new ProgressWriter(http.Response, ct);
        var result = await runner.RunAsync(target, parsed.Dataset!, options, lines, ct);
        await lines.DrainAsync();
        var saved = await EvalReports.StoreAsync(store, reference, result, caller.Name, ct);
        await lines.WriteAsync(new JsonObject { ["event"] = "report", ["report"] = JsonSerializer.SerializeToNode(EvalReportView.From(saved!, result), AdminJson.Options) });
        return Results.Empty;
    }

    private static async Task<IResult> ListAsync(string deployment, string version, IRegistryStore store, CancellationToken ct)
    {
        if (RequestInput.CheckVersion(deployment, version, out var reference) is { } error)
        {
            return error;
        }

        if (await store.GetBundleAsync(reference, ct) is null)
        {
            return ApiError.NotFound("version_not_found", $"Version {reference} does not exist.");
        }

        var reports = await store.ListEvalReportsAsync(reference, ct);
        return Results.Json(new { Deployment = deployment, reference.Version, Evals = reports.Select(EvalSummaryView.From) }, AdminJson.Options);
    }

    private static async Task<IResult> GetAsync(string deployment, string version, string id, IRegistryStore store, CancellationToken ct)
    {
        if (RequestInput.CheckVersion(deployment, version, out var reference) is { } error)
        {
            return error;
        }

        if (!long.TryParse(id, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var number) || number < 1)
        {
            return ApiError.BadRequest("invalid_field", $"'{(id.Length <= 40 ? id : id[..40])}' is not an eval report id (a whole number from 1).");
        }

        var report = await store.GetEvalReportAsync(reference, number, ct);
        return report is null
            ? ApiError.NotFound("eval_not_found", $"{reference} has no eval report {number}.")
            : Results.Json(new { Summary = EvalSummaryView.From(report), Report = JsonNode.Parse(report.ReportJson!) }, AdminJson.Options);
    }

    private static IResult? ReadOptions(JsonObject body, out EvalRunOptions options)
    {
        options = new EvalRunOptions();
        if (body["concurrency"] is { } c)
        {
            if (c.GetValueKind() != JsonValueKind.Number || !c.AsValue().TryGetValue<int>(out var n) || n is < 1 or > EvalRunOptions.MaxConcurrency)
            {
                return ApiError.BadRequest("invalid_field", $"'concurrency' must be a whole number from 1 to {EvalRunOptions.MaxConcurrency}.");
            }

            options = options with { Concurrency = n };
        }

        if (body["case_timeout_ms"] is { } t)
        {
            if (t.GetValueKind() != JsonValueKind.Number || !t.AsValue().TryGetValue<int>(out var ms) || ms is < 1 or > 600_000)
            {
                return ApiError.BadRequest("invalid_field", "'case_timeout_ms' must be a whole number from 1 to 600000.");
            }

            options = options with { CaseTimeout = TimeSpan.FromMilliseconds(ms) };
        }

        foreach (var (key, _) in body)
        {
            if (key is not ("dataset" or "concurrency" or "case_timeout_ms"))
            {
                return ApiError.BadRequest("invalid_field", $"unknown field '{key}': expected dataset, concurrency, case_timeout_ms.");
            }
        }

        return null;
    }

    // The RoleFilter has already accepted this key as operator or better; the run pins with the caller's own authority.
    private static string BearerKey(HttpRequest request)
        => request.Headers.Authorization.ToString()["Bearer ".Length..].Trim();
}
