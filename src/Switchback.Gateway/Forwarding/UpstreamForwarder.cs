using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Switchback.Gateway.Api;
using Switchback.Gateway.Evaluation;
using Switchback.Gateway.Health;
using Switchback.Gateway.Signals;
using Yarp.ReverseProxy.Forwarder;

namespace Switchback.Gateway.Forwarding;

/// <summary>
/// Forwards a request with YARP's <see cref="IHttpForwarder"/>, enforcing the bundle's timeout on the injected clock,
/// and records every attempt in the signals and the journal. A failed first attempt (connect error, 5xx, timeout) with
/// a <c>fallback</c> plan is retried once on it when nothing has reached the client yet; the failure still counts
/// against the first version. Thread-safe.
/// </summary>
internal sealed class UpstreamForwarder(IHttpForwarder forwarder, UpstreamClients clients, SignalRegistry signals, RequestJournal journal, VersionHealthMonitor health, ResponseEvaluations evaluations, TimeProvider time)
{
    private const int MaxCachedConfigs = 64;
    private readonly TimeoutSources timeouts = new(time);
    private readonly ConcurrentDictionary<TimeSpan, ForwarderRequestConfig> configs = new();

    /// <summary>
    /// Forwards, failing over when possible, and returns the attempt the client got; with <paramref name="captureBody"/>
    /// (shadowed requests only, so others copy nothing) its complete non-streamed body is copied from the observation buffer.
    /// </summary>
    /// <remarks>Without a fallback (stable's requests, the common case) this is the attempt itself: no second async frame.</remarks>
    public Task<ForwardResult> ForwardAsync(HttpContext context, ForwardPlan plan, ForwardPlan? fallback, bool captureBody = false)
        => fallback is null ? AttemptAsync(context, plan, retry: false, captureBody) : ForwardWithFallbackAsync(context, plan, fallback, captureBody);

    private async Task<ForwardResult> ForwardWithFallbackAsync(HttpContext context, ForwardPlan plan, ForwardPlan fallback, bool captureBody)
    {
        var first = await AttemptAsync(context, plan, retry: true, captureBody);
        if (first.Outcome != RequestOutcome.Ok && !context.Response.HasStarted)
        {
            context.Response.Clear();
            context.Features.Set<IForwarderErrorFeature>(null);
            return await AttemptAsync(context, fallback, retry: false, captureBody);
        }

        return first;
    }

    private async Task<ForwardResult> AttemptAsync(HttpContext context, ForwardPlan plan, bool retry, bool captureBody)
    {
        var observation = new ResponseObservation { CaptureLimit = evaluations.CaptureLimit(plan) };
        var transformer = new GatewayTransformer(plan, retry, observation);
        var config = Config(plan.Timeout);
        // YARP forwards HttpContext.Request as it is, so each attempt replays the buffered (possibly rewritten) body from it.
        context.Request.Body = new MemoryStream(plan.Body, writable: false);
        context.Request.ContentLength = plan.Body.Length;
        context.Request.Headers.Remove("Transfer-Encoding");
        var started = time.GetTimestamp();
        var timeout = timeouts.Rent(plan.Timeout);

        // YARP copies the answer to the client's response body: a stand-in for it observes the bytes on their way out.
        var clientBody = context.Features.Get<IHttpResponseBodyFeature>()!;
        observation.Body = new ObservingStream(clientBody.Stream, time, observation);
        context.Features.Set<IHttpResponseBodyFeature>(new StreamResponseBodyFeature(observation.Body, clientBody));
        ForwarderError error;
        bool timedOut;
        try
        {
            error = await forwarder.SendAsync(context, plan.DestinationPrefix, clients.For(plan.DestinationPrefix), config, transformer, timeout.Token);
            timedOut = timeout.IsCancellationRequested;
        }
        finally
        {
            // YARP has let go of the token once SendAsync returns (its linked registration is disposed by then).
            timeouts.Return(timeout);

            // Errors and a failover write to the client's own body.
            context.Features.Set(clientBody);
        }

        var outcome = Classify(context, error, observation, timedOut);
        if (outcome is null)
        {
            // The client went away: nothing to learn about the upstream.
            return new ForwardResult(plan.Version, RequestOutcome.Ok, 0, null, null);
        }

        var elapsed = time.GetElapsedTime(started).TotalMilliseconds;
        var (tokensIn, tokensOut) = outcome == RequestOutcome.Ok ? Usage(observation) : (0, 0);
        double? ttft = observation.IsStream && observation.FirstByteTimestamp is { } first ? time.GetElapsedTime(started, first).TotalMilliseconds : null;
        signals.Get(plan.Deployment, plan.Version).Record(new RequestSample(elapsed, outcome.Value, tokensIn, tokensOut, ttft));
        journal.Record(plan.RequestId, plan.Deployment, plan.Version, outcome.Value);
        health.Observe(plan.Deployment, plan.Version, outcome.Value);
        evaluations.Observed(plan, observation, outcome.Value);

        if (outcome != RequestOutcome.Ok && !retry && !context.Response.HasStarted)
        {
            context.Response.Clear();
            context.Features.Set<IForwarderErrorFeature>(null);
            GatewayHeaders.SetResponse(context.Response, plan.Deployment, plan.Version, plan.RequestId);
            await (outcome == RequestOutcome.Timeout
                ? OpenAiErrors.WriteAsync(context, 504, "upstream_error", "upstream_timeout", $"{plan.Deployment}@{plan.Version} did not answer within {plan.Timeout.TotalMilliseconds} ms")
                : OpenAiErrors.WriteAsync(context, 502, "upstream_error", "upstream_unreachable", $"{plan.Deployment}@{plan.Version} could not be reached ({error})"));
        }

        var body = captureBody && outcome == RequestOutcome.Ok && !observation.IsStream && observation.Body is { } observed && !observed.WholeBody.IsEmpty
            ? observed.WholeBody.ToArray()
            : null;
        return new ForwardResult(plan.Version, outcome.Value, elapsed, observation.Status, body);
    }

    // YARP's own activity timeout is only a backstop a minute beyond the bundle's (which this class enforces on the
    // injected clock); the config is immutable, so one per distinct bundle timeout is shared by all its requests.
    private ForwarderRequestConfig Config(TimeSpan timeout)
    {
        if (configs.TryGetValue(timeout, out var config))
        {
            return config;
        }

        config = new ForwarderRequestConfig { ActivityTimeout = timeout + TimeSpan.FromMinutes(1) };
        if (configs.Count < MaxCachedConfigs)
        {
            configs.TryAdd(timeout, config);
        }

        return config;
    }

    private static RequestOutcome? Classify(HttpContext context, ForwarderError error, ResponseObservation observation, bool timedOut)
    {
        if (timedOut)
        {
            return RequestOutcome.Timeout;
        }

        if (observation.Status is { } status && (observation.RetryRequested || error == ForwarderError.None))
        {
            return status >= 500 ? (observation.OutOfMemory ? RequestOutcome.Oom : RequestOutcome.Http5xx) : RequestOutcome.Ok;
        }

        return error switch
        {
            ForwarderError.None => RequestOutcome.Ok,
            ForwarderError.RequestTimedOut => RequestOutcome.Timeout,
            ForwarderError.RequestCanceled or ForwarderError.RequestBodyClient or ForwarderError.ResponseBodyClient
                or ForwarderError.ResponseBodyCanceled when context.RequestAborted.IsCancellationRequested => null,
            _ when observation.Status is { } s => s >= 500 ? RequestOutcome.Http5xx : RequestOutcome.Connect,
            _ => RequestOutcome.Connect,
        };
    }

    private static (long In, long Out) Usage(ResponseObservation observation)
    {
        if (observation.Body is not { } body)
        {
            return (0, 0);
        }

        if (!observation.IsStream)
        {
            return body.WholeBody.IsEmpty ? (0, 0) : ReadUsage(body.WholeBody);
        }

        // A stream's usage is in its last data chunk that carries one (stream_options.include_usage).
        var lines = Encoding.UTF8.GetString(body.Tail).Split('\n');
        for (var i = lines.Length - 1; i >= 0; i--)
        {
            var line = lines[i].Trim();
            if (line.StartsWith("data:", StringComparison.Ordinal) && line.Contains("\"usage\"", StringComparison.Ordinal))
            {
                var usage = ReadUsage(Encoding.UTF8.GetBytes(line[5..].Trim()));
                if (usage != (0, 0))
                {
                    return usage;
                }
            }
        }

        return (0, 0);
    }

    // One forward pass of the reader instead of a JsonDocument: usage is read from every answer, so this is per request.
    // The whole first value is still read, so a body that is not JSON (or is cut off) gives no usage, as before.
    internal static (long In, long Out) ReadUsage(ReadOnlySpan<byte> json)
    {
        try
        {
            var reader = new Utf8JsonReader(json);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                reader.Skip();
                return (0, 0);
            }

            (long, long)? usage = null;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var isUsage = usage is null && reader.ValueTextEquals("usage"u8);
                reader.Read();
                if (isUsage && reader.TokenType == JsonTokenType.StartObject)
                {
                    usage = ReadCounts(ref reader);
                }
                else
                {
                    reader.Skip();
                }
            }

            return usage ?? (0, 0);
        }
        catch (JsonException)
        {
            // Not JSON (or cut off): no usage to count.
            return (0, 0);
        }
    }

    private static (long, long) ReadCounts(ref Utf8JsonReader reader)
    {
        long? prompt = null;
        long? completion = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var isPrompt = prompt is null && reader.ValueTextEquals("prompt_tokens"u8);
            var isCompletion = !isPrompt && completion is null && reader.ValueTextEquals("completion_tokens"u8);
            reader.Read();
            if (isPrompt)
            {
                prompt = Number(ref reader);
            }
            else if (isCompletion)
            {
                completion = Number(ref reader);
            }

            reader.Skip();
        }

        return (prompt ?? 0, completion ?? 0);
    }

    private static long Number(ref Utf8JsonReader reader)
        => reader.TokenType == JsonTokenType.Number && reader.TryGetInt64(out var n) && n >= 0 ? n : 0;
}
