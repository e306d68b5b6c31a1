using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace Switchback.FunctionalTests.Infrastructure;

/// <summary>
/// The deployment <c>svc</c> most flow tests use: svc@1 and svc@2 registered with the real CLI, chat calls through the
/// served gateway, and its routing and rollout through the admin API.
/// </summary>
internal static class Svc
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>
    /// Registers svc@1 on <paramref name="v1"/> and svc@2 on <paramref name="v2"/> (simulator base URLs) with
    /// <c>switchback apply</c>; <paramref name="bundleTail"/> is appended to both bundles, e.g. an <c>evaluators:</c> section.
    /// </summary>
    public static async Task RegisterAsync(ServerProcess server, TempDir dir, string v1, string v2, string bundleTail = "")
    {
        var bundles = Manifests.Bundle("svc", 1, 0.2, v1 + "/v1") + bundleTail + "---\n" + Manifests.Bundle("svc", 2, 0.3, v2 + "/v1") + bundleTail;
        var apply = await server.CliAsync("apply", "-f", dir.Write("bundles.yaml", bundles));
        Assert.True(apply.ExitCode == 0, apply.ToString());
    }

    /// <summary>A chat completion for svc with the sticky key <paramref name="key"/>.</summary>
    public static Task<HttpResponseMessage> ChatAsync(HttpClient http, string key, string content = "hi")
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "v1/chat/completions")
        {
            Content = JsonContent.Create(new { model = "svc", messages = new[] { new { role = "user", content } } }),
        };
        request.Headers.Add("x-switchback-key", key);
        return http.SendAsync(request, Ct);
    }

    /// <summary><c>GET /api/v1/deployments/svc/routing</c>.</summary>
    public static async Task<JsonNode> RoutingAsync(HttpClient http)
        => (await http.GetFromJsonAsync<JsonNode>("api/v1/deployments/svc/routing", Ct))!;

    /// <summary><c>GET /api/v1/deployments/svc/rollout</c>: the active, else the latest rollout.</summary>
    public static async Task<JsonNode> RolloutAsync(HttpClient http)
        => (await http.GetFromJsonAsync<JsonNode>("api/v1/deployments/svc/rollout", Ct))!;

    /// <summary>
    /// The routing once it has a candidate (at most 10 s). The controller persists a decision before it acts on it, so the
    /// rollout status can say "progressing" a moment before the first step's routing lands.
    /// </summary>
    public static async Task<JsonNode> WaitForCandidateAsync(HttpClient http)
    {
        var routing = await RoutingAsync(http);
        for (var until = DateTimeOffset.UtcNow.AddSeconds(10); routing["candidate"] is null && DateTimeOffset.UtcNow < until;)
        {
            await Task.Delay(50, Ct);
            routing = await RoutingAsync(http);
        }

        return routing;
    }

    /// <summary>Sends chats in batches of 20, each with a new key, until the rollout has finished; throws after <paramref name="limit"/>.</summary>
    public static async Task<JsonNode> DriveUntilFinishedAsync(HttpClient http, TimeSpan limit, string content = "hi")
    {
        var until = DateTimeOffset.UtcNow + limit;
        var n = 0;
        while (DateTimeOffset.UtcNow < until)
        {
            await Task.WhenAll(Enumerable.Range(0, 20).Select(async _ =>
            {
                using var response = await ChatAsync(http, "k" + Interlocked.Increment(ref n), content);
            }));
            var status = await RolloutAsync(http);
            if (status["finished"]!.GetValue<bool>())
            {
                return status;
            }
        }

        throw new TimeoutException("the rollout did not finish in time");
    }
}
