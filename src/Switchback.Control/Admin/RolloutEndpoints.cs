using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Switchback.Control.Alerts;
using Switchback.Control.Rollbacks;
using Switchback.Control.Rollouts;
using Switchback.Core.Access;
using Switchback.Core.Manifests;
using Switchback.Core.Rollouts;
using Switchback.Storage;

namespace Switchback.Control.Admin;

/// <summary>Starting a rollout, its status, and the operator commands promote, pause, resume and abort.</summary>
internal static class RolloutEndpoints
{
    /// <summary>The plan used when <c>rollout start</c> sends no manifest: the default canary steps, errors compared with stable.</summary>
    private const string DefaultPlan = "guardrails:\n  - { signal: error_rate, compare: baseline, severity: hard }\n";

    public static void Map(IEndpointRouteBuilder api)
    {
        api.MapPost("/deployments/{deployment}/rollouts", StartAsync).RequireRole(Role.Operator);
        api.MapGet("/deployments/{deployment}/rollout", StatusAsync).RequireRole(Role.Viewer);
        api.MapGet("/deployments/{deployment}/rollouts", ListAsync).RequireRole(Role.Viewer);
        api.MapPost("/deployments/{deployment}/rollout/{command}", CommandAsync).RequireRole(Role.Operator);
    }

    private static async Task<IResult> StartAsync(string deployment, HttpContext http, RolloutController controller, ILogger<AdminRequests> logger, CancellationToken ct)
    {
        if (RequestInput.CheckName(deployment, "deployment") is { } error)
        {
            return error;
        }

        var query = http.Request.Query;
        int? requested = null;
        if (query.ContainsKey("candidate"))
        {
            if (!RequestInput.TryParseVersion(query["candidate"], out var v))
            {
                return ApiError.BadRequest("invalid_query", "The query parameter 'candidate' must be a version number (1 or more).");
            }

            requested = v;
        }

        var source = string.IsNullOrWhiteSpace(query["source"]) ? "request body" : query["source"].ToString();
        var text = await RequestInput.ReadTextAsync(http.Request);
        // No manifest (an empty body or an empty JSON object, as `rollout start --to V` sends): the default plan.
        if (string.IsNullOrWhiteSpace(text) || text.Trim() == "{}")
        {
            text = $"kind: Rollout\ndeployment: {deployment}\n{DefaultPlan}";
        }

        var (manifestText, gateDataset, datasetError) = SplitGateDataset(text);
        if (datasetError is not null)
        {
            return datasetError;
        }

        var read = ManifestReader.Read(manifestText, source);
        if (!read.IsValid)
        {
            return RegisterEndpoint.InvalidManifest(read.Errors);
        }

        if (read.Documents is not [RolloutManifest manifest])
        {
            return ApiError.BadRequest("one_document_expected", $"Send exactly one kind: Rollout document; {source} has {read.Documents.Count} document(s) or another kind.");
        }

        if (manifest.Deployment != deployment)
        {
            return ApiError.BadRequest("invalid_field", $"The manifest is for deployment '{manifest.Deployment}', not '{deployment}'.");
        }

        var parsed = RolloutSpec.Parse(manifest, source);
        if (!parsed.IsValid)
        {
            return RegisterEndpoint.InvalidManifest(parsed.Errors);
        }

        var spec = parsed.Spec!;
        if (spec.Candidate is { } planned && requested is { } asked && planned != asked)
        {
            return ApiError.BadRequest("invalid_field", $"The manifest names candidate {planned} but the request asks for {asked}.");
        }

        if ((spec.Candidate ?? requested) is not { } candidate)
        {
            return ApiError.BadRequest("missing_field", "No candidate version: set 'candidate' in the manifest or pass --to V.");
        }

        var caller = RoleFilter.Caller(http);
        var result = await controller.BeginAsync(spec, candidate, caller.Name, ct, gateDataset);
        AdminLog.Changed(logger, "rollout.start", $"{deployment}@{candidate}", caller.Name, result.Status.ToString());
        return result.Status switch
        {
            RolloutStartResultStatus.Started => Results.Json(await ViewAsync(result.Rollout!, http, ct), AdminJson.Options, statusCode: StatusCodes.Status201Created),
            RolloutStartResultStatus.ActiveExists => Results.Json(
                new { Error = new ApiError.ErrorBody(result.Message, "conflict_error", "rollout_active"), Active = new { result.Rollout!.Id, Candidate = result.Rollout.CandidateVersion } },
                AdminJson.Options, statusCode: StatusCodes.Status409Conflict),
            RolloutStartResultStatus.NotFound => ApiError.NotFound("version_not_found", result.Message),
            _ => ApiError.BadRequest("invalid_rollout", result.Message),
        };
    }

    /// <summary>
    /// A JSON body may carry the gate's dataset text in <c>gate_dataset</c> (the CLI reads <c>gate.dataset</c> next to the
    /// manifest): it is taken out before the manifest is read, since it is not a manifest field. The server never reads the path.
    /// </summary>
    private static (string Manifest, string? Dataset, IResult? Error) SplitGateDataset(string text)
    {
        if (!text.TrimStart().StartsWith('{'))
        {
            return (text, null, null);
        }

        JsonObject? body;
        try
        {
            body = JsonNode.Parse(text) as JsonObject;
        }
        catch (JsonException)
        {
            // Not JSON after all: the manifest reader reports it.
            return (text, null, null);
        }

        if (body is null || !body.TryGetPropertyValue("gate_dataset", out var node))
        {
            return (text, null, null);
        }

        if (node is not JsonValue value || !value.TryGetValue<string>(out var dataset))
        {
            return (text, null, ApiError.BadRequest("invalid_field", "'gate_dataset' must be the dataset's text (JSONL) as a string."));
        }

        body.Remove("gate_dataset");
        return (body.ToJsonString(), dataset, null);
    }

    private static async Task<IResult> StatusAsync(string deployment, HttpContext http, IRegistryStore store, CancellationToken ct)
    {
        if (RequestInput.CheckName(deployment, "deployment") is { } error)
        {
            return error;
        }

        var latest = await store.GetActiveRolloutAsync(deployment, ct) ?? (await store.ListRolloutsAsync(deployment, ct)).FirstOrDefault();
        return latest is null
            ? ApiError.NotFound("rollout_not_found", $"{deployment} has no rollout.")
            : Results.Json(await ViewAsync(latest, http, ct), AdminJson.Options);
    }

    private static async Task<IResult> ListAsync(string deployment, HttpContext http, IRegistryStore store, CancellationToken ct)
    {
        if (RequestInput.CheckName(deployment, "deployment") is { } error)
        {
            return error;
        }

        var rollouts = await store.ListRolloutsAsync(deployment, ct);
        return Results.Json(new { Deployment = deployment, Rollouts = rollouts.Select(r => new { r.Id, Candidate = r.CandidateVersion, Stable = r.StableVersion, Phase = r.Phase.ToString().ToLowerInvariant(), r.ReasonText, r.CreatedAt, r.UpdatedAt }) }, AdminJson.Options);
    }

    private static async Task<IResult> CommandAsync(string deployment, string command, HttpContext http, RolloutController controller, ILogger<AdminRequests> logger, CancellationToken ct)
    {
        if (RequestInput.CheckName(deployment, "deployment") is { } error)
        {
            return error;
        }

        var (body, bodyError) = await RequestInput.ReadObjectAsync(http.Request, optional: true);
        if (bodyError is not null)
        {
            return bodyError;
        }

        string? reason = null;
        if (body is not null && !RequestInput.TryGetString(body, "reason", required: false, out reason, out error))
        {
            return error!;
        }

        var caller = RoleFilter.Caller(http);
        reason ??= $"{command} by {caller.Name}";
        RolloutCommand? parsed = command switch
        {
            "promote" => new PromoteCommand(),
            "pause" => new PauseCommand(reason),
            "resume" => new ResumeCommand(),
            "abort" => new AbortCommand(reason),
            _ => null,
        };
        if (parsed is null)
        {
            return ApiError.NotFound("route_not_found", $"No rollout command '{command}': use promote, pause, resume or abort.");
        }

        var started = http.RequestServices.GetRequiredService<TimeProvider>().GetTimestamp();
        var outcome = await controller.CommandAsync(deployment, parsed, caller.Name, ct);
        AdminLog.Changed(logger, "rollout." + command, deployment, caller.Name, outcome.Refusal is null ? "accepted" : "refused");
        if (outcome.Rollout is null)
        {
            return ApiError.NotFound("rollout_not_found", outcome.Refusal ?? $"{deployment} has no active rollout.");
        }

        return outcome.Refusal is { } refusal
            ? Results.Json(new { Error = new ApiError.ErrorBody($"{command} refused: {refusal}", "conflict_error", "command_refused") }, AdminJson.Options, statusCode: StatusCodes.Status409Conflict)
            : Results.Json(await ViewAsync(outcome.Rollout, http, ct, started), AdminJson.Options);
    }

    /// <summary>The status; after a command (<paramref name="commandStarted"/>), once its routing reached every live replica.</summary>
    private static async Task<RolloutView> ViewAsync(RolloutState rollout, HttpContext http, CancellationToken ct, long? commandStarted = null)
    {
        var routing = await http.RequestServices.GetRequiredService<RollbackService>().CurrentRoutingAsync(rollout.Deployment, ct);
        var rollback = http.RequestServices.GetService<RollbackTimings>()?.Last(rollout.Deployment);
        var fleet = http.RequestServices.GetService<Fleet.FleetPropagation>();
        var replicas = fleet is null ? null : commandStarted is { } since ? await fleet.WaitForCurrentAsync(since, ct) : await fleet.CurrentAsync(ct);
        return RolloutView.From(rollout, routing, http.RequestServices.GetService<AlertDeliveryLog>(), rollback) with { Replicas = replicas };
    }
}
