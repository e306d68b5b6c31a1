using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Switchback.Core.Bundles;
using Switchback.Storage;

namespace Switchback.Control.Rollbacks;

/// <summary>
/// One synthetic request to the version's upstream, as its bundle names it (endpoint, upstream model name, credential from
/// the environment): a chat completion of one token for <c>provider: openai</c>, a GET of the endpoint for <c>http</c>.
/// Healthy means a 2xx (for <c>http</c>: below 500) within <see cref="Timeout"/>. Thread-safe.
/// </summary>
internal sealed class UpstreamHealthCheck(IRegistryStore store, TimeProvider time) : ITargetHealthCheck, IDisposable
{
    /// <summary>How long the synthetic request may take.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);

    private readonly HttpClient http = new() { Timeout = System.Threading.Timeout.InfiniteTimeSpan };

    public async Task<string?> ProblemAsync(string deployment, int version, CancellationToken cancellationToken)
    {
        var bundle = await store.GetBundleAsync(new VersionRef(deployment, version), cancellationToken);
        if (bundle is null)
        {
            return $"{deployment}@{version} does not exist";
        }

        var model = JsonNode.Parse(bundle.ContentJson)?["model"];
        if (model?["endpoint"]?.GetValue<string>() is not { } endpoint || !Uri.TryCreate(endpoint.TrimEnd('/') + "/", UriKind.Absolute, out var baseUri))
        {
            return $"{deployment}@{version} has no usable model.endpoint";
        }

        var openAi = model["provider"]?.GetValue<string>() != "http";
        using var request = openAi
            ? new HttpRequestMessage(HttpMethod.Post, new Uri(baseUri, "chat/completions"))
            {
                Content = JsonContent.Create(new JsonObject
                {
                    ["model"] = model["name"]?.GetValue<string>(),
                    ["messages"] = new JsonArray(new JsonObject { ["role"] = "user", ["content"] = "switchback health check" }),
                    ["max_tokens"] = 1,
                }),
            }
            : new HttpRequestMessage(HttpMethod.Get, baseUri);
        if (model["api_key_env"]?.GetValue<string>() is { } env && Environment.GetEnvironmentVariable(env) is { Length: > 0 } secret)
        {
            request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", secret);
        }

        using var timeout = new CancellationTokenSource(Timeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        try
        {
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, linked.Token);
            var ok = openAi ? response.IsSuccessStatusCode : (int)response.StatusCode < 500;
            return ok ? null : $"{deployment}@{version}: the synthetic request got HTTP {(int)response.StatusCode} from its upstream";
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            return $"{deployment}@{version}: the synthetic request got no answer within {Timeout.TotalSeconds:0} s";
        }
        catch (HttpRequestException ex)
        {
            return $"{deployment}@{version}: the synthetic request failed: {ex.Message}";
        }
    }

    public void Dispose() => http.Dispose();
}
