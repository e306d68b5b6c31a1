using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;
using Switchback.Core.Access;
using Switchback.Core.Bundles;
using Switchback.Core.Manifests;
using Switchback.Gateway.Routing;
using Switchback.Storage;

namespace Switchback.Control.Admin;

/// <summary>
/// <c>POST /versions</c>: the body is one bundle manifest document (YAML or JSON); the server validates it itself,
/// so a client cannot register content that a manifest file could not express.
/// </summary>
internal static class RegisterEndpoint
{
    public static void Map(IEndpointRouteBuilder api) => api.MapPost("/versions", RegisterAsync).RequireRole(Role.Admin);

    private static async Task<IResult> RegisterAsync(
        HttpContext http,
        IRegistryStore store,
        RoutingSnapshotLoader loader,
        [FromServices] UpstreamKeyPolicy keyPolicy,
        ILogger<AdminRequests> logger,
        CancellationToken ct)
    {
        var caller = RoleFilter.Caller(http);
        var source = http.Request.Query["source"].ToString();
        if (string.IsNullOrWhiteSpace(source))
        {
            source = "request body";
        }

        var text = await RequestInput.ReadTextAsync(http.Request);
        if (string.IsNullOrWhiteSpace(text))
        {
            return ApiError.BadRequest("missing_body", "The request body is empty: send one bundle manifest document (YAML or JSON).");
        }

        var read = ManifestReader.Read(text, source);
        if (!read.IsValid)
        {
            return InvalidManifest(read.Errors);
        }

        if (read.Documents.Count != 1)
        {
            return ApiError.BadRequest("one_document_expected", $"Send exactly one bundle document per request; {source} has {read.Documents.Count}.");
        }

        if (read.Documents[0] is not BundleManifest manifest)
        {
            return ApiError.BadRequest("bundle_expected", read.Documents[0] is MonitorManifest m
                ? $"This endpoint registers bundles: send the kind: Monitor document to PUT /api/v1/deployments/{m.Spec.Deployment}/monitor."
                : $"This endpoint registers bundles: send the kind: Rollout document to POST /api/v1/deployments/{read.Documents[0] switch { RolloutManifest r => r.Deployment, _ => "DEPLOYMENT" }}/rollouts.");
        }

        var bundle = manifest.Bundle;
        if (KeyRefusal(bundle, keyPolicy) is { } refusal)
        {
            var error = new ManifestError(source, manifest.Index, "model.api_key_env", refusal);
            return InvalidManifest([error], "api_key_env_not_allowed");
        }

        var outcome = await store.RegisterAsync(bundle, new AuditContext(caller.Name), ct);
        var stored = outcome.Bundle;
        var target = $"{stored.Deployment}@{stored.Version}";
        AdminLog.Changed(logger, "register", target, caller.Name, outcome.Status.ToString());
        if (outcome.Status == RegisterStatus.Created)
        {
            // A first version creates a routable deployment: answer only once this process's gateway serves it.
            await loader.RefreshAsync(ct);
        }

        return outcome.Status switch
        {
            RegisterStatus.Created => Results.Json(new RegisterView("created", stored.Deployment, stored.Version, stored.Digest), AdminJson.Options, statusCode: StatusCodes.Status201Created),
            RegisterStatus.Existing => Results.Json(new RegisterView("existing", stored.Deployment, stored.Version, stored.Digest), AdminJson.Options),
            _ => Conflict(stored, bundle.CanonicalJson, bundle.Digest),
        };
    }

    private static IResult Conflict(StoredBundle existing, string newCanonical, string newDigest)
    {
        var target = $"{existing.Deployment}@{existing.Version}";
        var error = new ApiError.ErrorBody(
            $"{target} is already registered with different content (immutable): register the change under a new version, or omit 'version' to get the next number.",
            "conflict_error",
            "version_conflict");
        var conflict = new ConflictView(existing.Deployment, existing.Version, existing.Digest, newDigest, Differences.Compare(existing.ContentJson, newCanonical));
        return Results.Json(new ConflictEnvelope(error, conflict), AdminJson.Options, statusCode: StatusCodes.Status409Conflict);
    }

    /// <summary>Why this server refuses the bundle's <c>model.api_key_env</c> (which the gateway would read from its environment); null when it allows it.</summary>
    private static string? KeyRefusal(BundleContent bundle, UpstreamKeyPolicy keyPolicy)
        => bundle.ToJsonObject()["model"]?["api_key_env"] is JsonValue name && name.TryGetValue<string>(out var variable) ? keyPolicy.Refusal(variable) : null;

    internal static IResult InvalidManifest(IReadOnlyList<ManifestError> errors, string code = "invalid_manifest")
    {
        var details = errors.Select(e => new ApiError.ManifestErrorDetail(e.Source, e.DocumentIndex, e.Path, e.Message)).ToList();
        var message = "The manifest is not valid: " + string.Join("; ", errors.Select(e => e.ToString()));
        var body = new ApiError.ErrorBody(message, "invalid_request_error", code, details);
        return Results.Json(new ApiError.ErrorEnvelope(body), AdminJson.Options, statusCode: StatusCodes.Status400BadRequest);
    }
}
