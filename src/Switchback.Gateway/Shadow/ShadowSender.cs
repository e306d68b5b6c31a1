using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using Switchback.Gateway.Application;
using Switchback.Gateway.Forwarding;
using Switchback.Gateway.Health;
using Switchback.Gateway.Hosting;
using Switchback.Gateway.Signals;
using Switchback.Gateway.Telemetry;

namespace Switchback.Gateway.Shadow;

/// <summary>
/// Sends one mirrored request to the shadow upstream with the shadow bundle's own timeout, records the shadow version's
/// signals (and <c>shadow_requests</c>), feeds its breaker, and compares the answer with the primary's. The answer is
/// read into a bounded buffer and dropped: it never reaches a client. Thread-safe.
/// </summary>
internal sealed class ShadowSender(
    UpstreamClients clients,
    SignalRegistry signals,
    VersionHealthMonitor health,
    TimeProvider time,
    IOptions<ShadowOptions> shadowOptions,
    IOptions<GatewayOptions> gatewayOptions)
{
    public async Task SendAsync(ShadowJob job, CancellationToken stoppingToken)
    {
        var bundle = job.Shadow;
        if (bundle.CredentialRefusal is not null)
        {
            // The request path does not mirror to such a bundle; this keeps the secret home even if one is queued anyway.
            return;
        }

        byte[] body = job.RawBody;
        if (bundle.IsOpenAi)
        {
            var json = JsonNode.Parse(job.RawBody)!.AsObject();
            json.Remove(BundleApplier.OptionsField);
            if (BundleApplier.Apply(json, bundle, job.Kind, job.Variables, stoppingToken) is not null)
            {
                // The shadow bundle cannot take this request (e.g. its template needs a variable the client did not send):
                // nothing is sent, so there is nothing to measure.
                return;
            }

            body = JsonSerializer.SerializeToUtf8Bytes(json);
        }

        // Its own trace, linked to the request it mirrors: the client's trace ended when its answer was sent.
        using var span = job.Mirrors == default || GatewayTelemetry.Operation(job.Kind) is not { } operation
            ? null
            : GatewayTelemetry.StartRequest(operation, bundle.Deployment, links: [new ActivityLink(job.Mirrors)]);
        GatewayTelemetry.Routed(span, "shadow", bundle.Version, bundle.Digest, bundle.IsOpenAi);
        var target = new Uri(bundle.Endpoint.GetLeftPart(UriPartial.Path).TrimEnd('/') + job.Kind.Suffix() + job.QueryString);
        using var request = new HttpRequestMessage(HttpMethod.Post, target)
        {
            Content = new ByteArrayContent(body) { Headers = { ContentType = new MediaTypeHeaderValue("application/json") } },
        };
        UpstreamMessages.AddBundleHeaders(request, bundle.Credential(), bundle.Retrieval, bundle.Tokenizer);

        var timeout = bundle.TimeoutMs is { } ms ? TimeSpan.FromMilliseconds(ms) : gatewayOptions.Value.DefaultTimeout;
        var started = time.GetTimestamp();
        using var expiry = new CancellationTokenSource(timeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken, expiry.Token);
        RequestOutcome outcome;
        int? status = null;
        byte[]? answer = null;
        var isStream = false;
        try
        {
            using var response = await clients.For(target).SendAsync(request, linked.Token);
            status = (int)response.StatusCode;
            isStream = UpstreamMessages.IsEventStream(response.Content.Headers);
            answer = await ReadBoundedAsync(response.Content, shadowOptions.Value.CaptureLimitBytes, linked.Token);
            outcome = status >= 500 ? (status == 507 || OutOfMemory.Names(answer ?? []) ? RequestOutcome.Oom : RequestOutcome.Http5xx) : RequestOutcome.Ok;
            if (status >= 300)
            {
                answer = null;
            }
        }
        catch (OperationCanceledException) when (expiry.IsCancellationRequested && !stoppingToken.IsCancellationRequested)
        {
            outcome = RequestOutcome.Timeout;
        }
        catch (HttpRequestException)
        {
            outcome = RequestOutcome.Connect;
        }

        var elapsed = time.GetElapsedTime(started).TotalMilliseconds;
        var versionSignals = signals.Get(bundle.Deployment, bundle.Version);
        var (tokensIn, tokensOut) = outcome == RequestOutcome.Ok && answer is not null && !isStream ? Usage(answer) : (0, 0);
        GatewayTelemetry.Attempted(span, bundle.Version, bundle.Digest, outcome, status, tokensIn, tokensOut);
        versionSignals.Record(new RequestSample(elapsed, outcome, tokensIn, tokensOut));
        GatewayCounters.Add(versionSignals, GatewayCounters.ShadowRequests);
        health.Observe(bundle.Deployment, bundle.Version, outcome);
        if (span is not null && outcome == RequestOutcome.Ok && answer is not null && !isStream)
        {
            ResponseFacts.Tag(span, answer);
        }

        if (outcome == RequestOutcome.Ok && answer is not null && !isStream)
        {
            Compare(job, answer, elapsed, versionSignals);
        }
    }

    private static void Compare(ShadowJob job, byte[] answer, double elapsedMs, VersionSignals shadowSignals)
    {
        if (job.Kind == EndpointKind.Embeddings || job.Primary is not { Outcome: RequestOutcome.Ok, Status: < 300, Body: { } primaryBody })
        {
            return;
        }

        if (AnswerComparison.AnswerText(primaryBody, job.Kind) is not { } primaryText || AnswerComparison.AnswerText(answer, job.Kind) is not { } shadowText)
        {
            return;
        }

        GatewayCounters.Add(shadowSignals, GatewayCounters.ShadowCompared);
        GatewayCounters.Add(shadowSignals, GatewayCounters.ShadowAgreementMicros, (long)Math.Round(AnswerComparison.Similarity(primaryText, shadowText) * 1_000_000));
        GatewayCounters.Add(shadowSignals, GatewayCounters.ShadowLatencyDeltaMs, (long)Math.Round(elapsedMs - job.Primary.LatencyMs));
        if (string.Equals(primaryText, shadowText, StringComparison.Ordinal))
        {
            GatewayCounters.Add(shadowSignals, GatewayCounters.ShadowExactMatch);
        }

        var (bothObjects, equal) = AnswerComparison.JsonEquality(primaryText, shadowText);
        if (bothObjects)
        {
            GatewayCounters.Add(shadowSignals, GatewayCounters.ShadowJsonCompared);
            if (equal)
            {
                GatewayCounters.Add(shadowSignals, GatewayCounters.ShadowJsonEqual);
            }
        }
    }

    /// <summary>The body up to <paramref name="limit"/> bytes (the rest is read and discarded); null when it was longer.</summary>
    private static async Task<byte[]?> ReadBoundedAsync(HttpContent content, int limit, CancellationToken cancellationToken)
    {
        await using var stream = await content.ReadAsStreamAsync(cancellationToken);
        var buffer = new byte[limit];
        var length = 0;
        var overflow = false;
        var scratch = new byte[8192];
        while (true)
        {
            var target = length < limit ? buffer.AsMemory(length) : scratch.AsMemory();
            var read = await stream.ReadAsync(target, cancellationToken);
            if (read == 0)
            {
                break;
            }

            if (length < limit)
            {
                length += read;
            }
            else
            {
                overflow = true;
            }
        }

        return overflow ? null : buffer[..length];
    }

    // The forwarder's reader: chat's prompt/completion_tokens and the Responses API's input/output_tokens alike.
    private static (long In, long Out) Usage(byte[] body) => UpstreamForwarder.ReadUsage(body);

}
