using System.Globalization;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace Switchback.Control.Drills;

/// <summary>
/// Sends a one-token chat completion to this process's own gateway over loopback, so the request takes the full data-plane
/// path (routing snapshot, bundle, upstream). A wildcard listen address is reached on 127.0.0.1. Thread-safe.
/// </summary>
internal sealed class LoopbackGatewayProbe(IServer server, TimeProvider time) : IGatewayProbe
{
    /// <summary>How long the synthetic request may take.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    /// <summary>The sticky key the drill's requests carry, so they are easy to tell apart in logs.</summary>
    public const string StickyKey = "switchback-drill";

    private static readonly HttpClient Http = new() { Timeout = System.Threading.Timeout.InfiniteTimeSpan };

    public async Task<(int? Version, string? Problem)> ServedVersionAsync(string deployment, CancellationToken cancellationToken)
    {
        if (BaseAddress() is not { } baseUri)
        {
            return (null, "the server has no listening address to send the synthetic request to");
        }

        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(baseUri, "v1/chat/completions"))
        {
            Content = JsonContent.Create(new
            {
                model = deployment,
                messages = new[] { new { role = "user", content = "switchback rollback drill" } },
                max_tokens = 1,
            }),
        };
        request.Headers.Add("x-switchback-key", StickyKey);
        using var timeout = new CancellationTokenSource(Timeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        try
        {
            using var response = await Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, linked.Token);
            if (!response.IsSuccessStatusCode)
            {
                return (null, $"the synthetic request got HTTP {(int)response.StatusCode}");
            }

            return response.Headers.TryGetValues("x-switchback-version", out var values)
                && int.TryParse(values.FirstOrDefault(), NumberStyles.None, CultureInfo.InvariantCulture, out var version)
                ? (version, null)
                : (null, "the response had no x-switchback-version header");
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            return (null, $"the synthetic request got no answer within {Timeout.TotalSeconds:0} s");
        }
        catch (HttpRequestException ex)
        {
            return (null, $"the synthetic request failed: {ex.Message}");
        }
    }

    private Uri? BaseAddress()
    {
        var address = server.Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault();
        if (address is null)
        {
            return null;
        }

        // Kestrel reports wildcards as written ("http://0.0.0.0:8800", "http://[::]:8800", "http://+:8800").
        var text = address.Replace("://+:", "://127.0.0.1:", StringComparison.Ordinal)
            .Replace("://*:", "://127.0.0.1:", StringComparison.Ordinal)
            .Replace("://0.0.0.0:", "://127.0.0.1:", StringComparison.Ordinal)
            .Replace("://[::]:", "://[::1]:", StringComparison.Ordinal);
        return Uri.TryCreate(text.TrimEnd('/') + "/", UriKind.Absolute, out var uri) ? uri : null;
    }
}
