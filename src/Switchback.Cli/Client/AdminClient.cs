using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Switchback.Cli.Client;

/// <summary>A thin HTTP client of the admin API under <c>/api/v1</c>.</summary>
internal sealed class AdminClient : IDisposable
{
    private readonly HttpClient http;
    private readonly string server;

    public AdminClient(ClientSettings settings)
    {
        server = settings.Server;
        if (!Uri.TryCreate(settings.Server + "/", UriKind.Absolute, out var baseAddress) || (baseAddress.Scheme != Uri.UriSchemeHttp && baseAddress.Scheme != Uri.UriSchemeHttps))
        {
            throw new ArgumentException($"--server '{settings.Server}' is not an http:// or https:// URL");
        }

        http = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(60) };
        if (settings.ApiKey is not null)
        {
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", settings.ApiKey);
        }
    }

    public Task<ApiResponse> GetAsync(string path, CancellationToken ct) => SendAsync(HttpMethod.Get, path, null, ct);

    public Task<ApiResponse> DeleteAsync(string path, CancellationToken ct) => SendAsync(HttpMethod.Delete, path, null, ct);

    public Task<ApiResponse> PostAsync(string path, JsonNode body, CancellationToken ct) => SendAsync(HttpMethod.Post, path, body, ct);

    public Task<ApiResponse> PutAsync(string path, JsonNode body, CancellationToken ct) => SendAsync(HttpMethod.Put, path, body, ct);

    /// <summary>
    /// POSTs <paramref name="body"/> and hands each line of an NDJSON answer to <paramref name="onLine"/> as it arrives (no
    /// overall timeout: long runs stream progress). A non-2xx answer is returned whole, as for other calls.
    /// </summary>
    public async Task<ApiResponse> PostLinesAsync(string path, JsonNode body, Func<JsonNode, Task> onLine, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "api/v1/" + path.TrimStart('/'))
        {
            Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"),
        };
        try
        {
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
            if (!response.IsSuccessStatusCode)
            {
                var text = await response.Content.ReadAsStringAsync(ct);
                return new ApiResponse((int)response.StatusCode, TryParse(text), text);
            }

            using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(ct), Encoding.UTF8);
            JsonNode? last = null;
            while (await reader.ReadLineAsync(ct) is { } line)
            {
                if (line.Length > 0 && TryParse(line) is { } node)
                {
                    last = node;
                    await onLine(node);
                }
            }

            return new ApiResponse((int)response.StatusCode, last, last?.ToJsonString() ?? string.Empty);
        }
        catch (HttpRequestException ex)
        {
            throw new ServerUnreachableException(server, ex.Message, ex);
        }
        catch (TaskCanceledException ex) when (!ct.IsCancellationRequested)
        {
            throw new ServerUnreachableException(server, $"no answer within {http.Timeout.TotalSeconds:0} seconds", ex);
        }
    }

    public void Dispose() => http.Dispose();

    private async Task<ApiResponse> SendAsync(HttpMethod method, string path, JsonNode? body, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(method, "api/v1/" + path.TrimStart('/'));
        if (body is not null)
        {
            request.Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json");
        }

        try
        {
            using var response = await http.SendAsync(request, ct);
            var text = await response.Content.ReadAsStringAsync(ct);
            return new ApiResponse((int)response.StatusCode, TryParse(text), text);
        }
        catch (HttpRequestException ex)
        {
            throw new ServerUnreachableException(server, ex.Message, ex);
        }
        catch (TaskCanceledException ex) when (!ct.IsCancellationRequested)
        {
            throw new ServerUnreachableException(server, $"no answer within {http.Timeout.TotalSeconds:0} seconds", ex);
        }
    }

    private static JsonNode? TryParse(string text)
    {
        try
        {
            return text.Length == 0 ? null : JsonNode.Parse(text);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
