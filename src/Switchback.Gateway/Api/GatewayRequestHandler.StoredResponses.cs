using Microsoft.AspNetCore.Http;
using Switchback.Gateway.Responses;

namespace Switchback.Gateway.Api;

/// <summary>
/// <c>GET</c> and <c>DELETE /v1/responses/{id}</c>, <c>POST /v1/responses/{id}/cancel</c>: sent to the version that created
/// the response (<see cref="IResponseAffinity"/>), whatever the routing says now, since only its upstream holds it. An id
/// the gateway did not see created is answered 404 <c>response_not_found</c> rather than guessed at. These calls are
/// not inference: they are not counted in the version's signals, journal or units (its breaker still sees them).
/// </summary>
internal sealed partial class GatewayRequestHandler
{
    /// <summary>What a stored-response call does.</summary>
    public enum StoredResponseAction
    {
        /// <summary><c>GET /v1/responses/{id}</c>.</summary>
        Get,

        /// <summary><c>DELETE /v1/responses/{id}</c>.</summary>
        Delete,

        /// <summary><c>POST /v1/responses/{id}/cancel</c>.</summary>
        Cancel,
    }

    public async Task HandleStoredResponseAsync(HttpContext context, string id, StoredResponseAction action)
    {
        var requestId = IssueRequestId(context);
        if (await ReadBodyAsync(context) is not { } raw)
        {
            return;
        }

        if (await affinity.FindAsync(AffinityKey.Response(id), context.RequestAborted) is not { } owner)
        {
            await ResponseNotFound(context, id, "this gateway has no record of creating it");
            return;
        }

        var bundle = await bundles.GetAsync(owner.Deployment, owner.Version, allowArchived: true, context.RequestAborted);
        if (bundle is null)
        {
            await ResponseNotFound(context, id, $"the version that created it, {owner.Deployment}@{owner.Version}, no longer exists");
            return;
        }

        if (bundle.CredentialRefusal is not null)
        {
            await CredentialRefused(context, bundle);
            return;
        }

        var suffix = "/responses/" + Uri.EscapeDataString(id) + (action == StoredResponseAction.Cancel ? "/cancel" : "");
        var target = new Uri(bundle.Endpoint.GetLeftPart(UriPartial.Path).TrimEnd('/') + suffix + context.Request.QueryString.Value);
        var result = await forwarder.ForwardAsync(context, Plan(bundle, requestId, raw, target) with { Counts = false }, fallback: null);
        if (action == StoredResponseAction.Delete && result.Status is >= 200 and < 300)
        {
            affinity.Forget(AffinityKey.Response(id));
        }
    }

    private static Task ResponseNotFound(HttpContext context, string id, string why)
        => OpenAiErrors.WriteAsync(context, 404, "invalid_request_error", "response_not_found", $"Response with id '{OpenAiErrors.Echo(id)}' not found: {why}.");
}
