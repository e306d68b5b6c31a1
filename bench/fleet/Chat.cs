using System.Text;

namespace Switchback.Bench.Fleet;

/// <summary>Single chat completions through a replica's gateway, for checks between measurements.</summary>
internal static class Chat
{
    /// <summary>The version that served one request with the sticky key <paramref name="key"/>, or the failure as text.</summary>
    public static async Task<string> ServedByAsync(HttpClient http, string replicaUrl, string key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, replicaUrl + "/v1/chat/completions")
        {
            Content = new StringContent("""{"model":"svc","messages":[{"role":"user","content":"which version?"}]}""", Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("x-switchback-key", key);
        using var response = await http.SendAsync(request);
        await response.Content.LoadIntoBufferAsync();
        return response.IsSuccessStatusCode && response.Headers.TryGetValues("x-switchback-version", out var v)
            ? string.Join(',', v)
            : $"status {(int)response.StatusCode}";
    }
}
