using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Switchback.Gateway.Api;
using Switchback.Gateway.OnlineEvaluators;
using Switchback.Gateway.Health;
using Switchback.Gateway.Signals;

namespace Switchback.Gateway.Forwarding;

/// <summary>
/// Forwards a request to the bundle's upstream over a pooled <see cref="HttpMessageInvoker"/>, enforcing the bundle's
/// timeout on the injected clock, and records every attempt in the signals and the journal. A failed first attempt
/// (connect error, 5xx, timeout) with a <c>fallback</c> plan is retried once on it when nothing has reached the client
/// yet; the failure still counts against the first version. Thread-safe.
/// </summary>
/// <remarks>
/// This is our own forwarding loop, not YARP's <c>IHttpForwarder</c>, because it measured faster on the hot path
/// (bench/gateway/findings.md): every body Switchback forwards is already buffered (it was read to be checked and
/// rewritten), so it goes up as one <see cref="ByteArrayContent"/> — headers and body in one write — where YARP streams
/// the request body and flushes the headers first (one more system call per request on each end), and YARP 2.3 refuses
/// a transformer that replaces that content. The header rules stay YARP's (<see cref="UpstreamMessages"/>).
/// </remarks>
internal sealed class UpstreamForwarder(
    UpstreamClients clients,
    SignalRegistry signals,
    RequestJournal journal,
    VersionHealthMonitor health,
    ResponseEvaluations evaluations,
    TimeProvider time,
    RequestIds ids,
    Units.UnitTracker units,
    Responses.IResponseAffinity affinity,
    Telemetry.GenAiMetrics metrics,
    Microsoft.Extensions.Options.IOptions<Hosting.GatewayOptions> options)
{
    private const int ErrorBodyLimit = 64 * 1024;
    private const int CopyBufferSize = 16 * 1024;
    private readonly TimeoutSources timeouts = new(time);
    private readonly long maxResponseBytes = options.Value.MaxUpstreamResponseBytes;

    // How an exchange with the upstream ended, before it is classified into an outcome.
    private enum Exchange
    {
        Completed,
        NoResponse,
        ResponseBodyFailed,
        ClientGone,

        // More than GatewayOptions.MaxUpstreamResponseBytes: a failure of the upstream (its status was below 500).
        TooLarge,
    }

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
            Telemetry.GatewayTelemetry.FailedOver(Telemetry.GatewayTelemetry.CurrentRequest());
            return await AttemptAsync(context, fallback, retry: false, captureBody);
        }

        return first;
    }

    private async Task<ForwardResult> AttemptAsync(HttpContext context, ForwardPlan plan, bool retry, bool captureBody)
    {
        var observation = new ResponseObservation { CaptureLimit = evaluations.CaptureLimit(plan) };
        var started = time.GetTimestamp();
        var timeout = timeouts.Rent(plan.Timeout);

        // The client going away ends the attempt too. A source cancelled that way is not pooled again (TryReset refuses it).
        var aborted = context.RequestAborted.UnsafeRegister(static source => ((CancellationTokenSource)source!).Cancel(), timeout);
        Exchange exchange;
        bool timedOut;
        try
        {
            exchange = await ExchangeAsync(context, plan, retry, observation, timeout.Token);
        }
        finally
        {
            // Disposing the registration waits for a running callback, so nothing cancels the source once it is returned.
            aborted.Dispose();
            timedOut = timeout.IsCancellationRequested && !context.RequestAborted.IsCancellationRequested;
            timeouts.Return(timeout);
        }

        var outcome = Classify(context, exchange, observation, timedOut);
        if (outcome is null)
        {
            // The client went away: nothing to learn about the upstream.
            return new ForwardResult(plan.Version, RequestOutcome.Ok, 0, null, null);
        }

        var elapsed = time.GetElapsedTime(started).TotalMilliseconds;
        var (tokensIn, tokensOut) = outcome == RequestOutcome.Ok ? Usage(observation) : (0, 0);
        double? ttft = observation.IsStream && observation.FirstByteTimestamp is { } first ? time.GetElapsedTime(started, first).TotalMilliseconds : null;
        if (plan.Counts)
        {
            var sample = new RequestSample(elapsed, outcome.Value, tokensIn, tokensOut, ttft);
            signals.Get(plan.Deployment, plan.Version).Record(sample);
            if (plan.Unit is { } unit && plan.Version == unit.Version)
            {
                units.Record(unit, sample);
            }

            journal.Record(plan.RequestId, plan.Deployment, plan.Version, outcome.Value);
            evaluations.Observed(plan, observation, outcome.Value);
        }

        Observe(plan, observation, outcome.Value, elapsed, tokensIn, tokensOut, ttft);
        health.Observe(plan.Deployment, plan.Version, outcome.Value);
        if (plan.RemembersResponse && exchange == Exchange.Completed && observation.Status is >= 200 and < 300)
        {
            Remember(plan, observation);
        }

        // A stream over the size limit ended with an error event (ExchangeAsync), which OpenAI's clients raise: nothing to cut.
        var endedWithErrorEvent = exchange == Exchange.TooLarge && observation.IsStream;
        if (exchange != Exchange.Completed && context.Response.HasStarted)
        {
            if (!endedWithErrorEvent)
            {
                // Part of the answer is out: cutting the connection is the only way to tell the client it is incomplete.
                context.Abort();
            }
        }
        else if (exchange != Exchange.Completed && !retry)
        {
            context.Response.Clear();
            SetResponseHeaders(context, plan);
            await (outcome == RequestOutcome.Timeout
                ? OpenAiErrors.WriteAsync(context, 504, "upstream_error", "upstream_timeout", $"{plan.Deployment}@{plan.Version} did not answer within {plan.Timeout.TotalMilliseconds} ms")
                : exchange == Exchange.TooLarge
                ? OpenAiErrors.WriteAsync(context, 502, "upstream_error", "upstream_response_too_large", TooLargeMessage(plan))
                : OpenAiErrors.WriteAsync(context, 502, "upstream_error", "upstream_unreachable", $"{plan.Deployment}@{plan.Version} could not be reached ({Describe(exchange, observation)})"));
        }

        var body = captureBody && outcome == RequestOutcome.Ok && !observation.IsStream && observation.Body is { } observed && !observed.WholeBody.IsEmpty
            ? observed.WholeBody.ToArray()
            : null;
        return new ForwardResult(plan.Version, outcome.Value, elapsed, observation.Status, body);
    }

    /// <summary>The deployment, version and signed request id (with the request's unit during a canary) on the answer.</summary>
    private void SetResponseHeaders(HttpContext context, ForwardPlan plan)
        => GatewayHeaders.SetResponse(context.Response, plan.Deployment, plan.Version, ids.Sign(plan.RequestId, plan.Deployment, plan.Version, time.GetUtcNow(), Units.UnitTicket.Served(plan.Unit, plan.Version)));

    /// <summary>The attempt on the request's span (when one records) and in the GenAI metrics (when one listens).</summary>
    private void Observe(ForwardPlan plan, ResponseObservation observation, RequestOutcome outcome, double elapsed, long tokensIn, long tokensOut, double? ttft)
    {
        if (Telemetry.GatewayTelemetry.CurrentRequest() is { } span)
        {
            Telemetry.GatewayTelemetry.Attempted(span, plan.Version, plan.Digest, outcome, observation.Status, tokensIn, tokensOut);
            if (outcome == RequestOutcome.Ok && !observation.IsStream && observation.Body is { } body && !body.WholeBody.IsEmpty)
            {
                Telemetry.ResponseFacts.Tag(span, body.WholeBody);
            }
        }

        if (plan.Counts && plan.Operation is { } operation)
        {
            metrics.Record(operation, plan.Provider, plan.Deployment, plan.Version, outcome, observation.Status, elapsed, tokensIn, tokensOut, ttft);
        }
    }

    /// <summary>
    /// Records the version that answered as the owner of the response it created and, the first time, of the conversation the
    /// request named (so that follow-ups naming either reach it: docs/gateway.md, "Conversation affinity").
    /// </summary>
    private void Remember(ForwardPlan plan, ResponseObservation observation)
    {
        var owner = new Responses.ResponseOwner(plan.Deployment, plan.Version);
        if (observation.Body is { } created && Responses.CreatedResponseId.Find(created.Head, observation.IsStream) is { } responseId)
        {
            affinity.Remember(Responses.AffinityKey.Response(responseId), owner);
        }

        if (plan.ConversationId is { } conversation)
        {
            affinity.Remember(Responses.AffinityKey.Conversation(conversation), owner);
        }
    }

    /// <summary>
    /// One exchange: sends the plan's request, then copies the answer to the client through the observing stream. A 5xx
    /// is read (bounded) first, to detect out-of-memory answers, and is not copied when the caller can still fail over.
    /// </summary>
    private async Task<Exchange> ExchangeAsync(HttpContext context, ForwardPlan plan, bool retry, ResponseObservation observation, CancellationToken cancellationToken)
    {
        using var request = UpstreamMessages.Request(context.Request, plan);
        HttpResponseMessage response;
        try
        {
            response = await clients.For(plan.DestinationPrefix).SendAsync(request, cancellationToken);
        }
        catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException or IOException)
        {
            return Exchange.NoResponse;
        }

        using (response)
        {
            var status = (int)response.StatusCode;
            observation.Status = status;
            observation.IsStream = UpstreamMessages.IsEventStream(response.Content.Headers);
            observation.ExpectedLength = UpstreamMessages.DeclaredLength(response.Content.Headers);
            try
            {
                var source = await response.Content.ReadAsStreamAsync(cancellationToken);
                if (status < 500)
                {
                    if (observation.ExpectedLength > maxResponseBytes)
                    {
                        return Exchange.TooLarge;
                    }

                    UpstreamMessages.CopyHead(response, context.Response);
                    SetResponseHeaders(context, plan);
                    observation.Body = new ObservingStream(context.Response.Body, time, observation);
                    var copied = await CopyAsync(source, observation.Body, observation.ExpectedLength, maxResponseBytes, context, cancellationToken);
                    if (copied == Exchange.TooLarge && observation.IsStream && context.Response.HasStarted)
                    {
                        await context.Response.Body.WriteAsync(StreamError(plan), cancellationToken);
                    }

                    return copied;
                }

                var bytes = await ReadBoundedAsync(source, cancellationToken);
                observation.OutOfMemory = status == 507 || OutOfMemory.Names(bytes);
                if (retry)
                {
                    observation.RetryRequested = true;
                    return Exchange.Completed;
                }

                UpstreamMessages.CopyHead(response, context.Response, bytes.Length);
                SetResponseHeaders(context, plan);
                observation.Body = new ObservingStream(context.Response.Body, time, observation);
                await observation.Body.WriteAsync(bytes, cancellationToken);
                return Exchange.Completed;
            }
            catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException or IOException)
            {
                return context.RequestAborted.IsCancellationRequested ? Exchange.ClientGone : Exchange.ResponseBodyFailed;
            }
        }
    }

    // Each read is written (and so flushed by Kestrel) as it arrives: a stream's chunks reach the client one by one.
    // The size limit is a running count against a field read once: no allocation and one comparison per read.
    private static async Task<Exchange> CopyAsync(Stream source, Stream destination, long? expectedLength, long limit, HttpContext context, CancellationToken cancellationToken)
    {
        var size = expectedLength is > 0 and < CopyBufferSize ? (int)expectedLength.Value : CopyBufferSize;
        var total = 0L;
        var buffer = System.Buffers.ArrayPool<byte>.Shared.Rent(size);
        try
        {
            while (true)
            {
                int read;
                try
                {
                    read = await source.ReadAsync(buffer, cancellationToken);
                }
                catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException or IOException)
                {
                    return context.RequestAborted.IsCancellationRequested ? Exchange.ClientGone : Exchange.ResponseBodyFailed;
                }

                if (read == 0)
                {
                    return Exchange.Completed;
                }

                total += read;
                if (total > limit)
                {
                    return Exchange.TooLarge;
                }

                try
                {
                    await destination.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
                }
                catch (Exception ex) when (ex is OperationCanceledException or IOException)
                {
                    // A write fails when the client is gone, or when the attempt timed out while the client was slow to read.
                    return context.RequestAborted.IsCancellationRequested ? Exchange.ClientGone : Exchange.ResponseBodyFailed;
                }
            }
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static async Task<byte[]> ReadBoundedAsync(Stream stream, CancellationToken cancellationToken)
    {
        var buffer = new byte[ErrorBodyLimit];
        var length = 0;
        int read;
        while (length < buffer.Length && (read = await stream.ReadAsync(buffer.AsMemory(length), cancellationToken)) > 0)
        {
            length += read;
        }

        return buffer[..length];
    }

    private static RequestOutcome? Classify(HttpContext context, Exchange exchange, ResponseObservation observation, bool timedOut)
    {
        if (exchange == Exchange.ClientGone || (exchange != Exchange.Completed && context.RequestAborted.IsCancellationRequested))
        {
            return null;
        }

        if (exchange != Exchange.Completed && timedOut)
        {
            return RequestOutcome.Timeout;
        }

        if (exchange == Exchange.TooLarge)
        {
            return RequestOutcome.Http5xx;
        }

        return observation.Status switch
        {
            >= 500 => observation.OutOfMemory ? RequestOutcome.Oom : RequestOutcome.Http5xx,
            not null when exchange == Exchange.Completed => RequestOutcome.Ok,
            _ => RequestOutcome.Connect,
        };
    }

    private string TooLargeMessage(ForwardPlan plan)
        => $"{plan.Deployment}@{plan.Version} answered with more than {maxResponseBytes} bytes, the upstream response limit";

    // The last event of a stream cut at the limit, shaped as OpenAI's own stream errors are.
    private byte[] StreamError(ForwardPlan plan)
        => Encoding.UTF8.GetBytes("\n\nevent: error\ndata: " + OpenAiErrors.Json("upstream_error", "upstream_response_too_large", TooLargeMessage(plan)) + "\n\n");

    private static string Describe(Exchange exchange, ResponseObservation observation) => exchange switch
    {
        Exchange.NoResponse => "no response",
        _ => $"the answer broke off after status {observation.Status}",
    };

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

        // A stream's usage is in its last data chunk that carries one: chat's include_usage chunk, or the Responses API's
        // response.completed event (usage inside its "response").
        var tail = body.Tail;
        var lines = Encoding.UTF8.GetString(tail).Split('\n');
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

        // A final event longer than the tail (a long answer repeated in response.completed) starts before it; its usage
        // object, written after the output, is still there. `"usage":{` cannot occur inside a JSON string (its quotes
        // would be escaped), so the last one is the event's own.
        var at = tail.LastIndexOf("\"usage\":{"u8);
        return at < 0 ? (0, 0) : ReadUsageObject(tail[(at + "\"usage\":"u8.Length)..]);
    }

    // One forward pass of the reader instead of a JsonDocument: usage is read from every answer, so this is per request.
    // The whole first value is still read, so a body that is not JSON (or is cut off) gives no usage, as before.
    // The usage is the top-level "usage", or for a Responses API stream event the one inside its top-level "response".
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

            return ReadUsageIn(ref reader, nested: false) ?? (0, 0);
        }
        catch (JsonException)
        {
            // Not JSON (or cut off): no usage to count.
            return (0, 0);
        }
    }

    private static (long, long)? ReadUsageIn(ref Utf8JsonReader reader, bool nested)
    {
        (long, long)? usage = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var isUsage = usage is null && reader.ValueTextEquals("usage"u8);
            var isResponse = !isUsage && !nested && usage is null && reader.ValueTextEquals("response"u8);
            reader.Read();
            if (isUsage && reader.TokenType == JsonTokenType.StartObject)
            {
                usage = ReadCounts(ref reader);
            }
            else if (isResponse && reader.TokenType == JsonTokenType.StartObject)
            {
                usage = ReadUsageIn(ref reader, nested: true);
            }
            else
            {
                reader.Skip();
            }
        }

        return usage;
    }

    private static (long In, long Out) ReadUsageObject(ReadOnlySpan<byte> json)
    {
        try
        {
            // Only the object is read; whatever follows it in the tail is never reached.
            var reader = new Utf8JsonReader(json);
            return reader.Read() && reader.TokenType == JsonTokenType.StartObject ? ReadCounts(ref reader) : (0, 0);
        }
        catch (JsonException)
        {
            return (0, 0);
        }
    }

    private static (long, long) ReadCounts(ref Utf8JsonReader reader)
    {
        long? prompt = null;
        long? completion = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            // Chat and completions name them prompt/completion_tokens, the Responses API input/output_tokens.
            var isPrompt = prompt is null && (reader.ValueTextEquals("prompt_tokens"u8) || reader.ValueTextEquals("input_tokens"u8));
            var isCompletion = !isPrompt && completion is null && (reader.ValueTextEquals("completion_tokens"u8) || reader.ValueTextEquals("output_tokens"u8));
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
