using System.Diagnostics;
using Switchback.Gateway.Application;
using Switchback.Gateway.Signals;

namespace Switchback.Gateway.Telemetry;

/// <summary>
/// The gateway's <see cref="ActivitySource"/> and its GenAI span conventions (docs/observability.md). Every method takes the
/// span it may be given as null: without a listener <see cref="ActivitySource.StartActivity(string, ActivityKind)"/> returns
/// null, and then nothing here allocates or formats anything. Stateless; thread-safe.
/// </summary>
internal static class GatewayTelemetry
{
    /// <summary>The source name to subscribe to (<c>AddSource</c>).</summary>
    public const string SourceName = "Switchback.Gateway";

    /// <summary>The gateway's spans: one per OpenAI-compatible request, one per shadow request.</summary>
    public static readonly ActivitySource Source = new(SourceName);

    /// <summary>The GenAI <c>gen_ai.operation.name</c> of an endpoint; null for raw pass-through, which is not a GenAI operation.</summary>
    /// <remarks>The Responses API is <c>chat</c>, as the OpenAI conventions map it.</remarks>
    public static string? Operation(EndpointKind kind) => kind switch
    {
        EndpointKind.Chat or EndpointKind.Responses => "chat",
        EndpointKind.Completions => "text_completion",
        EndpointKind.Embeddings => "embeddings",
        _ => null,
    };

    /// <summary>The <c>gen_ai.provider.name</c> of a bundle: <c>openai</c> for the OpenAI wire protocol, else <c>http</c>.</summary>
    public static string Provider(bool isOpenAi) => isOpenAi ? "openai" : "http";

    /// <summary>
    /// Starts the span of one gateway request, named <c>{operation} {model}</c> where the model is the deployment the client
    /// named; null when nobody listens. <paramref name="links"/> ties a shadow request to the one it mirrors.
    /// </summary>
    public static Activity? StartRequest(string operation, string deployment, ActivityContext parent = default, ActivityLink[]? links = null)
    {
        if (!Source.HasListeners())
        {
            return null;
        }

        var activity = Source.StartActivity(ActivityKind.Client, parent, links: links, name: operation + " " + deployment);
        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag("gen_ai.operation.name", operation);
            activity.SetTag("gen_ai.request.model", deployment);
            activity.SetTag("switchback.deployment", deployment);
        }

        return activity;
    }

    /// <summary>The request's span when the current activity is one (for code below the handler); else null.</summary>
    public static Activity? CurrentRequest()
        => Activity.Current is { IsAllDataRequested: true } current && ReferenceEquals(current.Source, Source) ? current : null;

    /// <summary>Records which arm (stable, candidate, shadow, pinned) answers and the bundle it is.</summary>
    public static void Routed(Activity? span, string arm, int version, string digest, bool isOpenAi)
    {
        if (span is { IsAllDataRequested: true })
        {
            span.SetTag("switchback.arm", arm);
            span.SetTag("switchback.version", version);
            span.SetTag("switchback.bundle.digest", digest);
            span.SetTag("gen_ai.provider.name", Provider(isOpenAi));
        }
    }

    /// <summary>Records what one attempt to the upstream gave; a later attempt (the failover) overwrites an earlier one.</summary>
    public static void Attempted(Activity? span, int version, string? digest, RequestOutcome outcome, int? status, long tokensIn, long tokensOut)
    {
        if (span is not { IsAllDataRequested: true })
        {
            return;
        }

        span.SetTag("switchback.version", version);
        if (digest is not null)
        {
            span.SetTag("switchback.bundle.digest", digest);
        }

        if (outcome == RequestOutcome.Ok)
        {
            span.SetTag("error.type", null);
            span.SetStatus(ActivityStatusCode.Unset);
            span.SetTag("gen_ai.usage.input_tokens", tokensIn);
            span.SetTag("gen_ai.usage.output_tokens", tokensOut);
        }
        else
        {
            var error = ErrorType(outcome, status);
            span.SetTag("error.type", error);
            span.SetStatus(ActivityStatusCode.Error, error);
        }
    }

    /// <summary>Marks the span as served by the failover after the first attempt failed.</summary>
    public static void FailedOver(Activity? span)
    {
        if (span is { IsAllDataRequested: true })
        {
            span.SetTag("switchback.failover", true);
        }
    }

    /// <summary>Ends the request's span; a request refused before any attempt (4xx/5xx written by the gateway) gets its status as <c>error.type</c>.</summary>
    public static void Finish(Activity? span, int status)
    {
        if (span is null)
        {
            return;
        }

        if (span.IsAllDataRequested)
        {
            span.SetTag("switchback.failover", span.GetTagItem("switchback.failover") ?? false);
            if (status >= 400 && span.GetTagItem("error.type") is null)
            {
                var error = StatusText(status);
                span.SetTag("error.type", error);
                span.SetStatus(ActivityStatusCode.Error, error);
            }
        }

        span.Dispose();
    }

    /// <summary>The <c>error.type</c> of an outcome: the upstream's status for a 5xx, else the outcome's class.</summary>
    public static string ErrorType(RequestOutcome outcome, int? status) => outcome switch
    {
        RequestOutcome.Http5xx when status is { } s => StatusText(s),
        RequestOutcome.Timeout => "timeout",
        RequestOutcome.Connect => "connect",
        RequestOutcome.Oom => "out_of_memory",
        _ => "http_5xx",
    };

    private static string StatusText(int status) => status switch
    {
        400 => "400",
        404 => "404",
        500 => "500",
        502 => "502",
        503 => "503",
        504 => "504",
        _ => status.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };
}
