using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Switchback.Core.Routing;
using Switchback.Gateway.Application;
using Switchback.Gateway.Bundles;
using Switchback.Gateway.Forwarding;
using Switchback.Gateway.Signals;
using Switchback.Gateway.Units;
using Switchback.Gateway.Responses;
using Switchback.Storage.Fleet;

namespace Switchback.Gateway.Api;

/// <summary>
/// Conversation affinity (docs/gateway.md): a <c>POST /v1/responses</c> naming a <c>previous_response_id</c> or a
/// <c>conversation</c> whose owner the gateway recorded goes to that owner while its deployment's routing still routes to it
/// (stable, candidate or shadow, breaker closed); after that, to the version the routing would choose, or else stable, when
/// one shares the owner's response store (<see cref="ServingBundle.SharesResponseStoreWith"/>); otherwise it is refused with
/// 409 <c>previous_response_unavailable</c> / <c>conversation_unavailable</c> and no upstream is asked. Such a request is
/// inference (signals, journal, evaluations, feedback) but was not assigned by the experiment, so it joins no unit, whatever
/// arm serves it. An id with no record is routed as usual (it may predate the gateway, or its record was evicted).
/// </summary>
internal sealed partial class GatewayRequestHandler
{
    /// <summary>The id a Responses API request continues, or the 400 to answer when its fields are malformed.</summary>
    private static (AffinityKey? Key, ApplyError? Error) FollowUp(in RequestFields fields)
    {
        if (fields.PreviousResponseIdToken is not (JsonTokenType.None or JsonTokenType.Null)
            && fields.PreviousResponseId is not { Length: > 0 })
        {
            return (null, new ApplyError(400, "invalid_request_error", "invalid_type", "'previous_response_id' must be a non-empty response id string")
            {
                Param = "previous_response_id",
            });
        }

        if (fields.ConversationToken is not (JsonTokenType.None or JsonTokenType.Null) && fields.ConversationId is not { Length: > 0 })
        {
            return (null, new ApplyError(400, "invalid_request_error", "invalid_type", "'conversation' must be a non-empty conversation id string or an object with a non-empty string 'id'")
            {
                Param = "conversation",
            });
        }

        if (fields.PreviousResponseId is { Length: > 0 } previous)
        {
            return fields.ConversationId is { Length: > 0 }
                ? (null, new ApplyError(400, "invalid_request_error", "invalid_request", "'previous_response_id' and 'conversation' cannot be used together") { Param = "conversation" })
                : (AffinityKey.Response(previous), null);
        }

        return (fields.ConversationId is { Length: > 0 } conversation ? AffinityKey.Conversation(conversation) : null, null);
    }

    /// <summary>The route of a follow-up whose owner is known; null after writing an error.</summary>
    private async ValueTask<(ServingBundle Primary, ServingBundle? Fallback, ServingBundle? Shadow, UnitTicket? Unit)?> ResolveFollowUpAsync(
        HttpContext context, RoutingState state, AffinityKey named, ResponseOwner owner, string? user)
    {
        var deployment = state.Deployment;
        var key = StickyAssigner.SelectKey(state.StickySource, context.Request.Headers[GatewayHeaders.Key].ToString(), user);
        var decision = StickyAssigner.Choose(state, key);
        if (!bundles.TryGet(deployment, state.StableVersion, out var stable))
        {
            await OpenAiErrors.WriteAsync(context, 503, "server_error", "routing_not_ready", $"the bundles of '{deployment}' are not loaded yet");
            return null;
        }

        var ownerBundle = await bundles.GetAsync(owner.Deployment, owner.Version, allowArchived: true, context.RequestAborted);
        ServingBundle? serve = null;
        if (ownerBundle is not null && owner.Deployment == deployment
            && (owner.Version == state.StableVersion || owner.Version == state.CandidateVersion || owner.Version == state.ShadowVersion))
        {
            if (owner.Version == state.StableVersion || health.AllowsRequests(deployment, owner.Version))
            {
                serve = ownerBundle;
            }
            else
            {
                GatewayCounters.Add(signals.Get(deployment, owner.Version), GatewayCounters.CircuitOpen);
            }
        }

        if (serve is null && ownerBundle is not null)
        {
            // The owner is gone from the routing: continue where its stored responses can still be read, never elsewhere.
            serve = bundles.TryGet(deployment, decision.Version, out var chosen) && chosen.SharesResponseStoreWith(ownerBundle)
                && (chosen == stable || health.AllowsRequests(deployment, chosen.Version))
                ? chosen
                : stable.SharesResponseStoreWith(ownerBundle) ? stable : null;
        }

        if (serve is null)
        {
            await Unavailable(context, named, owner, ownerBundle is null ? "no longer exists" : "is no longer routed", stable);
            return null;
        }

        if (serve.CredentialRefusal is not null)
        {
            await CredentialRefused(context, serve);
            return null;
        }

        // Failover and mirroring go only where the stored responses are: anywhere else would answer 404.
        var fallback = serve != stable && stable.CredentialRefusal is null && stable.SharesResponseStoreWith(serve) ? stable : null;
        ServingBundle? shadow = null;
        if (decision.ShadowVersion is { } shadowVersion && shadowVersion != serve.Version
            && bundles.TryGet(deployment, shadowVersion, out var shadowBundle) && shadowBundle.CredentialRefusal is null
            && shadowBundle.SharesResponseStoreWith(serve) && health.AllowsRequests(deployment, shadowVersion))
        {
            shadow = shadowBundle;
        }

        firstServed.Observe(deployment, state.Generation, serve.Version);
        return (serve, fallback, shadow, null);
    }

    private static Task Unavailable(HttpContext context, AffinityKey named, ResponseOwner owner, string why, ServingBundle stable)
    {
        var (what, code, param) = named.Kind == AffinityKind.Response
            ? ("Response", "previous_response_unavailable", "previous_response_id")
            : ("Conversation", "conversation_unavailable", "conversation");
        return OpenAiErrors.WriteAsync(
            context,
            409,
            "invalid_request_error",
            code,
            $"{what} '{OpenAiErrors.Echo(named.Id)}' is stored by {owner.Deployment}@{owner.Version}, which {why} (rolled back or retired), "
                + $"and {stable.Deployment}@{stable.Version} does not share its upstream's stored responses; start a new conversation: "
                + $"send the whole history in 'input' without '{param}'.",
            param);
    }
}
