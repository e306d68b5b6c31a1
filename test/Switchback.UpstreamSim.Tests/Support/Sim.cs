using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace Switchback.UpstreamSim.Tests.Support;

/// <summary>A started simulator with an HttpClient pointed at it; disposing stops both.</summary>
internal sealed class Sim : IAsyncDisposable
{
    private Sim(UpstreamSimulator simulator)
    {
        Simulator = simulator;
        Client = new HttpClient { BaseAddress = simulator.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
    }

    public UpstreamSimulator Simulator { get; }

    public HttpClient Client { get; }

    public SimStats Stats => Simulator.Stats;

    /// <summary>Port 0 on loopback; latency 0 unless the options say otherwise, so tests are fast.</summary>
    public static async Task<Sim> StartAsync(UpstreamSimOptions? options = null, TimeProvider? time = null)
    {
        options ??= new UpstreamSimOptions();
        options = options with { Listen = "http://127.0.0.1:0", LatencyMs = options.LatencyMs ?? 0 };
        return new Sim(await UpstreamSimulator.StartAsync(options, time, TestContext.Current.CancellationToken));
    }

    public static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    public static string ChatBody(string user, string? system = null, string extra = "")
    {
        var messages = system is null
            ? $$"""[{"role":"user","content":{{JsonSerializer.Serialize(user)}}}]"""
            : $$"""[{"role":"system","content":{{JsonSerializer.Serialize(system)}}},{"role":"user","content":{{JsonSerializer.Serialize(user)}}}]""";
        return $$"""{"model":"m","messages":{{messages}}{{extra}}}""";
    }

    /// <summary>A Responses API body with a string <c>input</c>; <paramref name="extra"/> is appended as more properties.</summary>
    public static string ResponsesBody(string input, string extra = "") =>
        $$"""{"model":"m","input":{{JsonSerializer.Serialize(input)}}{{extra}}}""";

    public Task<HttpResponseMessage> PostAsync(string path, string json) =>
        Client.PostAsync(path, Json(json), TestContext.Current.CancellationToken);

    public async Task<JsonElement> ReadJsonAsync(HttpResponseMessage response) =>
        await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken);

    /// <summary>Status code and answer text of one chat request; a connection reset is status 0.</summary>
    public async Task<(int Status, string Content)> ChatAsync(string user, string extra = "")
    {
        try
        {
            using var response = await PostAsync("v1/chat/completions", ChatBody(user, extra: extra));
            var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                return ((int)response.StatusCode, body);
            }

            using var doc = JsonDocument.Parse(body);
            return (200, doc.RootElement.GetProperty("choices")[0].GetProperty("message").GetProperty("content").GetString()!);
        }
        catch (HttpRequestException)
        {
            return (0, "");
        }
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await Simulator.DisposeAsync();
    }
}
