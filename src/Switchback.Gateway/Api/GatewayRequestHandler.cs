using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;
using Switchback.Core.Access;
using Switchback.Core.Routing;
using Switchback.Gateway.Access;
using Switchback.Gateway.Application;
using Switchback.Gateway.Bundles;
using Switchback.Gateway.Forwarding;
using Switchback.Gateway.Health;
using Switchback.Gateway.Hosting;
using Switchback.Gateway.Routing;
using Switchback.Gateway.Shadow;
using Switchback.Gateway.Signals;
using Switchback.Gateway.Telemetry;
using Switchback.Gateway.Units;

namespace Switchback.Gateway.Api;

/// <summary>
/// The data-plane request path: read and check the body, resolve the deployment and version (sticky split or an
/// operator's pin), apply the bundle, and forward with failover. Thread-safe; one instance serves all requests.
/// </summary>
internal sealed partial class GatewayRequestHandler(
    RoutingTableHolder routing,
    BundleCache bundles,
    KeyCache keys,
    UpstreamForwarder forwarder,
    VersionHealthMonitor health,
    ShadowQueue shadows,
    SignalRegistry signals,
    RequestJournal journal,
    FirstServedProbe firstServed,
    Responses.IResponseAffinity affinity,
    StreamGate streams,
    IOptions<GatewayOptions> options)
{
    private static readonly IReadOnlyDictionary<string, JsonNode?> NoVariables = new Dictionary<string, JsonNode?>();

    public async Task HandleOpenAiAsync(HttpContext context, EndpointKind kind)
    {
        var requestId = IssueRequestId(context);
        if (await ReadBodyAsync(context) is not { } raw)
        {
            return;
        }

        if (RequestBodyScanner.Scan(raw, out var fields) is { } invalid)
        {
            await WriteApplyError(context, invalid);
            return;
        }

        if (kind == EndpointKind.Responses && fields.Input is not (System.Text.Json.JsonTokenType.String or System.Text.Json.JsonTokenType.StartArray))
        {
            await OpenAiErrors.BadRequest(context, "invalid_input", "'input' is required and must be a string or an array of input items");
            return;
        }

        Responses.AffinityKey? follows = null;
        if (kind == EndpointKind.Responses)
        {
            (follows, var followError) = FollowUp(fields);
            if (followError is not null)
            {
                await WriteApplyError(context, followError);
                return;
            }
        }

        var at = fields.Model.IndexOf('@', StringComparison.Ordinal);
        var deployment = at < 0 ? fields.Model : fields.Model[..at];
        var pinText = at < 0 ? null : fields.Model[(at + 1)..];

        if (fields.Stream && !streams.TryEnter())
        {
            await TooManyStreams(context);
            return;
        }

        // One span per request from here, where the model is known (docs/observability.md); null, and free, when nobody listens.
        var span = GatewayTelemetry.StartRequest(GatewayTelemetry.Operation(kind)!, deployment);
        try
        {
            var route = await ResolveAsync(context, deployment, pinText, fields.User, follows);
            if (route is null)
            {
                return;
            }

            var (primary, fallback, shadow, unit) = route.Value;
            if (span is not null)
            {
                GatewayTelemetry.Routed(span, Arm(context, deployment, pinText, primary.Version), primary.Version, primary.Digest, primary.IsOpenAi);
            }

            var conversation = kind == EndpointKind.Responses ? fields.ConversationId : null;
            byte[] outgoing = raw;
            Dictionary<string, JsonNode?>? variables = null;
            if (primary.IsOpenAi)
            {
                variables = Variables(context.Request, always: fields.HasOptions);
                if (((variables is null ? null : BodyRewriter.TakeVariables(raw, fields, variables))
                    ?? BodyRewriter.Rewrite(raw, fields, primary, kind, variables ?? NoVariables, context.RequestAborted, out outgoing)) is { } applyError)
                {
                    await WriteApplyError(context, applyError);
                    return;
                }

                if (fallback is not null)
                {
                    var fallbackBytes = raw;
                    if (fallback.IsOpenAi && BodyRewriter.Rewrite(raw, fields, fallback, kind, variables ?? NoVariables, context.RequestAborted, out fallbackBytes) is { } fallbackError)
                    {
                        await WriteApplyError(context, fallbackError);
                        return;
                    }

                    var served = await forwarder.ForwardAsync(
                        context, Plan(context, primary, requestId, outgoing, kind, conversation, unit), Plan(context, fallback, requestId, fallbackBytes, kind, conversation), shadow is not null);
                    Mirror(context, shadow, kind, raw, variables, served);
                    return;
                }
            }

            ForwardPlan? fallbackPlan = fallback is null ? null : Plan(context, fallback, requestId, raw, kind, conversation);
            var result = await forwarder.ForwardAsync(context, Plan(context, primary, requestId, outgoing, kind, conversation, unit), fallbackPlan, shadow is not null);
            Mirror(context, shadow, kind, raw, variables, result);
        }
        finally
        {
            if (fields.Stream)
            {
                streams.Exit();
            }

            GatewayTelemetry.Finish(span, context.Response.StatusCode);
        }
    }

    /// <summary>Queues a copy for the shadow after the client's answer was sent; never waits (a full queue drops it).</summary>
    private void Mirror(HttpContext context, ServingBundle? shadow, EndpointKind kind, byte[] raw, Dictionary<string, JsonNode?>? variables, ForwardResult served)
    {
        if (shadow is not null && !context.RequestAborted.IsCancellationRequested)
        {
            shadows.TryEnqueue(new ShadowJob(shadow, kind, raw, variables ?? [], context.Request.QueryString.Value, served)
            {
                Mirrors = GatewayTelemetry.CurrentRequest()?.Context ?? default,
            });
        }
    }

    /// <summary>The arm that serves a request, for its span: pinned (by model@N or the version header), else by the routing.</summary>
    private string Arm(HttpContext context, string deployment, string? pinText, int version)
    {
        if (pinText is not null || context.Request.Headers[GatewayHeaders.Version].Count > 0)
        {
            return "pinned";
        }

        return routing.Current.TryGet(deployment, out var state) && state.CandidateVersion == version && state.StableVersion != version ? "candidate" : "stable";
    }

    public async Task HandleRawAsync(HttpContext context, string deployment, string? path)
    {
        var requestId = IssueRequestId(context);

        // Checked before anything else, on the bytes the client sent as well as on the route value: Kestrel has already
        // decoded one layer and resolved the dot segments it saw, which the route value alone no longer shows.
        var rawTarget = context.Features.Get<IHttpRequestFeature>()?.RawTarget ?? context.Request.Path.Value ?? string.Empty;
        if ((RawPath.Problem(RawPath.TargetPath(rawTarget)) ?? RawPath.Problem(path ?? string.Empty)) is { } problem)
        {
            await InvalidPath(context, problem);
            return;
        }

        if (await ReadBodyAsync(context) is not { } raw)
        {
            return;
        }

        var route = await ResolveAsync(context, deployment, pinText: null, user: null);
        if (route is null)
        {
            return;
        }

        var suffix = RawPath.Encode(path ?? string.Empty);
        var (primary, fallback, _, unit) = route.Value;
        var target = RawPath.Under(primary.Endpoint, suffix, context.Request.QueryString.Value);
        var fallbackTarget = fallback is null ? null : RawPath.Under(fallback.Endpoint, suffix, context.Request.QueryString.Value);
        if (target is null || (fallback is not null && fallbackTarget is null))
        {
            await InvalidPath(context, "it does not stay under the bundle's endpoint path");
            return;
        }

        await forwarder.ForwardAsync(
            context,
            Plan(primary, requestId, raw, target, unit),
            fallback is not null && fallbackTarget is not null ? Plan(fallback, requestId, raw, fallbackTarget) : null);
    }

    /// <summary>
    /// The bundle to serve, for a candidate the stable bundle to fail over to, and the shadow bundle when this request is
    /// sampled for mirroring; null after writing an error. A candidate or shadow whose breaker is open is skipped (counted
    /// as <c>circuit_open</c> on it): its requests go straight to stable. A pin wins over everything; a follow-up whose owner
    /// is known goes by conversation affinity (<see cref="ResolveFollowUpAsync"/>).
    /// </summary>
    private async ValueTask<(ServingBundle Primary, ServingBundle? Fallback, ServingBundle? Shadow, UnitTicket? Unit)?> ResolveAsync(
        HttpContext context, string deployment, string? pinText, string? user, Responses.AffinityKey? follows = null)
    {
        var headerPin = context.Request.Headers[GatewayHeaders.Version].ToString();
        if (pinText is null && headerPin.Length > 0)
        {
            pinText = headerPin;
        }

        int? pin = null;
        if (pinText is not null)
        {
            if (!int.TryParse(pinText, NumberStyles.None, CultureInfo.InvariantCulture, out var v) || v < 1)
            {
                await OpenAiErrors.BadRequest(context, "invalid_version", $"'{OpenAiErrors.Echo(pinText)}' is not a version number (use deployment@N)");
                return null;
            }

            if (!await MayPinAsync(context))
            {
                return null;
            }

            pin = v;
        }

        if (!routing.Current.TryGet(deployment, out var state))
        {
            await NotFound(context, $"the deployment '{OpenAiErrors.Echo(deployment)}' does not exist");
            return null;
        }

        if (pin is { } pinned)
        {
            var bundle = await bundles.GetAsync(deployment, pinned, allowArchived: false, context.RequestAborted);
            if (bundle is null)
            {
                await NotFound(context, $"version {pinned} of '{deployment}' does not exist or is archived");
                return null;
            }

            if (bundle.CredentialRefusal is not null)
            {
                await CredentialRefused(context, bundle);
                return null;
            }

            return (bundle, null, null, null);
        }

        if (follows is { } named && await affinity.FindAsync(named, context.RequestAborted) is { } owner)
        {
            return await ResolveFollowUpAsync(context, state, named, owner, user);
        }

        var key = StickyAssigner.SelectKey(state.StickySource, context.Request.Headers[GatewayHeaders.Key].ToString(), user);
        var decision = StickyAssigner.Choose(state, key);
        if (!bundles.TryGet(deployment, decision.Version, out var chosen) || !bundles.TryGet(deployment, state.StableVersion, out var stable))
        {
            // The loader loads every routed bundle before it publishes a table, so this is a broken invariant, not bad input.
            await OpenAiErrors.WriteAsync(context, 503, "server_error", "routing_not_ready", $"the bundles of '{deployment}' are not loaded yet");
            return null;
        }

        // During a canary every answered request belongs to its key's unit (docs/statistics.md); one rerouted past an open
        // breaker was not answered by its arm, so it joins none.
        UnitTicket? unit = state is { Salt: { } salt, CandidateVersion: not null, CandidateWeightBps: > 0 }
            ? new UnitTicket(deployment, salt, decision.KeyHash, decision.Version, decision.IsCandidate, state.CandidateWeightBps)
            : null;
        if (decision.IsCandidate && !health.AllowsRequests(deployment, decision.Version))
        {
            GatewayCounters.Add(signals.Get(deployment, decision.Version), GatewayCounters.CircuitOpen);
            chosen = stable;
            unit = null;
        }

        if (chosen.CredentialRefusal is not null)
        {
            await CredentialRefused(context, chosen);
            return null;
        }

        ServingBundle? shadow = null;
        if (decision.ShadowVersion is { } shadowVersion && bundles.TryGet(deployment, shadowVersion, out var shadowBundle) && shadowBundle.CredentialRefusal is null)
        {
            if (health.AllowsRequests(deployment, shadowVersion))
            {
                shadow = shadowBundle;
            }
            else
            {
                GatewayCounters.Add(signals.Get(deployment, shadowVersion), GatewayCounters.CircuitOpen);
            }
        }

        // A stable whose credential is refused cannot take the failover either, so the candidate's request goes without one.
        firstServed.Observe(deployment, state.Generation, chosen.Version);
        return (chosen, chosen != stable && stable.CredentialRefusal is null ? stable : null, shadow, unit);
    }

    private async Task<bool> MayPinAsync(HttpContext context)
    {
        var authorization = context.Request.Headers.Authorization.ToString();
        if (!authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) || authorization.Length <= 7)
        {
            await OpenAiErrors.WriteAsync(context, 403, "permission_error", "pin_forbidden", "pinning a version needs an operator or admin key in 'Authorization: Bearer'");
            return false;
        }

        var role = await keys.FindRoleAsync(authorization[7..].Trim(), context.RequestAborted);
        if (role is null)
        {
            await OpenAiErrors.WriteAsync(context, 401, "authentication_error", "invalid_api_key", "the API key is not valid");
            return false;
        }

        if (role < Role.Operator)
        {
            await OpenAiErrors.WriteAsync(context, 403, "permission_error", "pin_forbidden", "pinning a version needs the operator or admin role");
            return false;
        }

        return true;
    }

    private ForwardPlan Plan(HttpContext context, ServingBundle bundle, string requestId, byte[] body, EndpointKind kind, string? conversation, UnitTicket? unit = null)
    {
        var plan = Plan(bundle, requestId, body, context.Request.QueryString.HasValue ? Target(context, bundle, kind.Suffix()) : bundle.Rewrite.Targets[(int)kind], unit, GatewayTelemetry.Operation(kind));
        return kind == EndpointKind.Responses ? plan with { RemembersResponse = true, ConversationId = conversation } : plan;
    }

    private static Uri Target(HttpContext context, ServingBundle bundle, string suffix)
        => new(bundle.Endpoint.GetLeftPart(UriPartial.Path).TrimEnd('/') + suffix + context.Request.QueryString.Value);

    private ForwardPlan Plan(ServingBundle bundle, string requestId, byte[] body, Uri target, UnitTicket? unit = null, string? operation = null)
    {
        var timeout = bundle.TimeoutMs is { } ms ? TimeSpan.FromMilliseconds(ms) : options.Value.DefaultTimeout;
        return new ForwardPlan(bundle.Deployment, bundle.Version, requestId, target, bundle.Rewrite.DestinationPrefix, body, bundle.Credential(), bundle.Retrieval, bundle.Tokenizer, timeout)
        {
            Unit = unit,
            Operation = operation,
            Provider = GatewayTelemetry.Provider(bundle.IsOpenAi),
            Digest = bundle.Digest,
        };
    }

    /// <summary>
    /// The client's <c>x-switchback-var-*</c> variables; null when there are none and <paramref name="always"/> is false.
    /// (The forwarder walks the headers again as it copies them, and drops every <c>x-switchback-*</c> header there.)
    /// </summary>
    private static Dictionary<string, JsonNode?>? Variables(HttpRequest request, bool always)
    {
        Dictionary<string, JsonNode?>? variables = always ? new(StringComparer.Ordinal) : null;
        foreach (var (name, value) in request.Headers)
        {
            if (name.StartsWith(GatewayHeaders.VariablePrefix, StringComparison.OrdinalIgnoreCase) && name.Length > GatewayHeaders.VariablePrefix.Length)
            {
                variables ??= new(StringComparer.Ordinal);
                variables[name[GatewayHeaders.VariablePrefix.Length..].ToLowerInvariant()] = value.ToString();
            }
        }

        return variables;
    }

    private static Task WriteApplyError(HttpContext context, ApplyError error)
        => OpenAiErrors.WriteAsync(context, error.Status, error.Type, error.Code, error.Message, error.Param);

    /// <summary>Issues the request's id and returns it in the response header.</summary>
    private string IssueRequestId(HttpContext context)
    {
        var requestId = journal.NextRequestId();
        context.Response.Headers[GatewayHeaders.RequestId] = requestId;
        return requestId;
    }

    /// <summary>The request body; null, after answering 413, when it is larger than the limit.</summary>
    private async ValueTask<byte[]?> ReadBodyAsync(HttpContext context)
    {
        var raw = await RequestBodyReader.ReadAsync(context.Request, options.Value.MaxRequestBodyBytes, context.RequestAborted);
        if (raw is null)
        {
            await TooLarge(context);
        }

        return raw;
    }

    private Task TooLarge(HttpContext context)
        => OpenAiErrors.WriteAsync(context, 413, "invalid_request_error", "request_too_large", $"the request body is larger than {options.Value.MaxRequestBodyBytes} bytes");

    private Task TooManyStreams(HttpContext context)
    {
        context.Response.Headers.RetryAfter = StreamGate.RetryAfterSeconds.ToString(CultureInfo.InvariantCulture);
        return OpenAiErrors.WriteAsync(
            context, 429, "rate_limit_error", "too_many_concurrent_streams", $"this server is already forwarding {streams.Limit} streams, its limit; retry after {StreamGate.RetryAfterSeconds} s");
    }

    private static Task CredentialRefused(HttpContext context, ServingBundle bundle)
        => OpenAiErrors.WriteAsync(
            context,
            500,
            "server_error",
            "upstream_key_refused",
            $"{bundle.Deployment}@{bundle.Version} is not served because its model.api_key_env is refused: {bundle.CredentialRefusal}; register a version that names an allowed variable");

    private static Task InvalidPath(HttpContext context, string problem)
        => OpenAiErrors.BadRequest(context, "invalid_path", $"the path after /d/{{deployment}}/ must name a path under the bundle's endpoint, and this one is refused: {problem}");

    private static Task NotFound(HttpContext context, string message)
        => OpenAiErrors.WriteAsync(context, 404, "invalid_request_error", "model_not_found", message);
}
