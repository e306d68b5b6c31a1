using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using Switchback.Core.Routing;
using Switchback.Gateway.Application;
using Switchback.Gateway.Bundles;
using Switchback.Gateway.Forwarding;
using Switchback.Gateway.Hosting;
using Switchback.Gateway.Signals;

namespace Switchback.Gateway.Health;

/// <summary>
/// The gateway's <see cref="IVersionHealthMonitor"/>: one <see cref="HealthEntry"/> per (deployment, version), fed by
/// real traffic (<see cref="Observe"/>), by <see cref="ProbeAllAsync"/> (run periodically by <see cref="HealthProbeService"/>)
/// and by on-demand checks. Thread-safe; <see cref="Observe"/> allocates nothing for a known version.
/// </summary>
internal sealed class VersionHealthMonitor(
    RoutingTableHolder routing,
    BundleCache bundles,
    UpstreamClients clients,
    TimeProvider time,
    IOptions<HealthOptions> healthOptions,
    IOptions<GatewayOptions> gatewayOptions) : IVersionHealthMonitor
{
    private readonly ConcurrentDictionary<(string, int), HealthEntry> entries = new();
    private readonly HealthOptions options = healthOptions.Value;

    public VersionHealth GetHealth(string deployment, int version)
    {
        ArgumentNullException.ThrowIfNull(deployment);
        var endpoint = bundles.TryGet(deployment, version, out var bundle) ? bundle.Endpoint : null;
        return Entry(deployment, version).ToHealth(deployment, version, endpoint);
    }

    public async Task<VersionHealth?> CheckNowAsync(string deployment, int version, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(deployment);
        var bundle = await bundles.GetAsync(deployment, version, allowArchived: false, cancellationToken);
        if (bundle is null)
        {
            return null;
        }

        var entry = Entry(deployment, version);
        var probe = await ProbeAsync(bundle, cancellationToken);
        entry.Probed(probe);
        var check = bundle.IsOpenAi ? await SyntheticChatAsync(bundle, cancellationToken) : null;
        if (check is not null)
        {
            entry.Checked(check);
        }

        // The breaker needs several failures to open, but a check that just failed is the answer to "can it serve now?".
        var health = entry.ToHealth(deployment, version, bundle.Endpoint);
        return probe.Ok && check?.Ok != false ? health : health with { State = HealthState.Unhealthy };
    }

    /// <summary>Whether a request may go to this version now (its breaker is not open).</summary>
    public bool AllowsRequests(string deployment, int version)
        => !entries.TryGetValue((deployment, version), out var entry) || entry.Breaker.AllowsRequests;

    /// <summary>Feeds one real request's outcome into the version's breaker.</summary>
    public void Observe(string deployment, int version, RequestOutcome outcome)
        => Entry(deployment, version).Observe(outcome == RequestOutcome.Ok);

    /// <summary>Probes every routed version once; versions that share a probe target share one probe.</summary>
    public async Task ProbeAllAsync(CancellationToken cancellationToken)
    {
        var byTarget = new Dictionary<(Uri, bool Refused), List<ServingBundle>>();
        foreach (var state in routing.Current.States)
        {
            foreach (var version in new[] { state.StableVersion, state.CandidateVersion, state.ShadowVersion })
            {
                if (version is { } v && bundles.TryGet(state.Deployment, v, out var bundle))
                {
                    var target = (ProbeTarget(bundle), bundle.CredentialRefusal is not null);
                    if (!byTarget.TryGetValue(target, out var list))
                    {
                        byTarget[target] = list = [];
                    }

                    list.Add(bundle);
                }
            }
        }

        await Task.WhenAll(byTarget.Values.Select(async group =>
        {
            var result = await ProbeAsync(group[0], cancellationToken);
            foreach (var bundle in group)
            {
                Entry(bundle.Deployment, bundle.Version).Probed(result);
            }
        }));
    }

    private HealthEntry Entry(string deployment, int version)
        => entries.TryGetValue((deployment, version), out var entry)
            ? entry
            : entries.GetOrAdd((deployment, version), static (_, s) => new HealthEntry(s.options, s.time), (options, time));

    private Uri ProbeTarget(ServingBundle bundle)
        => bundle.IsOpenAi ? new Uri(bundle.Endpoint.GetLeftPart(UriPartial.Path).TrimEnd('/') + options.ProbePath) : bundle.Endpoint;

    private Task<ProbeResult> ProbeAsync(ServingBundle bundle, CancellationToken cancellationToken)
    {
        var target = ProbeTarget(bundle);
        return SendAsync(bundle, () => new HttpRequestMessage(HttpMethod.Get, target), options.ProbeTimeout, okBelow: bundle.IsOpenAi ? 300 : 500, cancellationToken);
    }

    private Task<ProbeResult> SyntheticChatAsync(ServingBundle bundle, CancellationToken cancellationToken)
    {
        var body = new JsonObject
        {
            ["model"] = bundle.Deployment,
            ["messages"] = new JsonArray(new JsonObject { ["role"] = "user", ["content"] = "Switchback health check: reply with OK." }),
            ["max_tokens"] = 16,
        };
        if (BundleApplier.Apply(body, bundle, EndpointKind.Chat, new Dictionary<string, JsonNode?>(), cancellationToken) is { } error)
        {
            return Task.FromResult(new ProbeResult(time.GetUtcNow(), 0, null, $"the bundle cannot be applied: {error.Message}"));
        }

        var target = new Uri(bundle.Endpoint.GetLeftPart(UriPartial.Path).TrimEnd('/') + "/chat/completions");
        var bytes = JsonSerializer.SerializeToUtf8Bytes(body);
        var timeout = bundle.TimeoutMs is { } ms ? TimeSpan.FromMilliseconds(ms) : gatewayOptions.Value.DefaultTimeout;
        return SendAsync(
            bundle,
            () => new HttpRequestMessage(HttpMethod.Post, target) { Content = new ByteArrayContent(bytes) { Headers = { ContentType = new MediaTypeHeaderValue("application/json") } } },
            timeout,
            okBelow: 300,
            cancellationToken);
    }

    private async Task<ProbeResult> SendAsync(ServingBundle bundle, Func<HttpRequestMessage> create, TimeSpan timeout, int okBelow, CancellationToken cancellationToken)
    {
        if (bundle.CredentialRefusal is { } refusal)
        {
            // Such a version serves nothing, so it is not healthy; and it is never sent its refused credential.
            return Result(time.GetTimestamp(), null, $"model.api_key_env is refused: {refusal}");
        }

        using var request = create();
        if (bundle.Credential() is { Length: > 0 } credential)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", credential);
        }

        if (bundle.Retrieval is { } retrieval)
        {
            request.Headers.TryAddWithoutValidation(GatewayHeaders.Retrieval, retrieval);
        }

        if (bundle.Tokenizer is { } tokenizer)
        {
            request.Headers.TryAddWithoutValidation(GatewayHeaders.Tokenizer, tokenizer);
        }

        var started = time.GetTimestamp();
        using var expiry = new CancellationTokenSource(timeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, expiry.Token);
        try
        {
            using var response = await clients.For(request.RequestUri!).SendAsync(request, linked.Token);
            var status = (int)response.StatusCode;
            return Result(started, status, status >= 200 && status < okBelow ? null : $"HTTP {status}");
        }
        catch (OperationCanceledException) when (expiry.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            return Result(started, null, $"no answer within {timeout.TotalMilliseconds} ms");
        }
        catch (HttpRequestException ex)
        {
            return Result(started, null, ex.Message);
        }
    }

    private ProbeResult Result(long started, int? status, string? error)
        => new(time.GetUtcNow(), time.GetElapsedTime(started).TotalMilliseconds, status, error);
}
