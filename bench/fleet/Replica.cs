using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;

namespace Switchback.Bench.Fleet;

/// <summary>One <c>switchback serve</c> of the fleet and the admin API calls the bench makes on it.</summary>
internal sealed class Replica : IDisposable
{
    public const string AdminKey = "sb-bench-fleet-admin-key-0123456789";
    public const string Deployment = "svc";

    private readonly Child child;
    private readonly HttpClient admin;

    private Replica(Child child, string url, int index)
    {
        this.child = child;
        Url = url;
        Index = index;
        admin = new HttpClient { BaseAddress = new Uri(url + "/api/v1/"), Timeout = TimeSpan.FromSeconds(30) };
        admin.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", AdminKey);
    }

    public string Url { get; }

    /// <summary>1, 2, 3: the order the replicas were started in.</summary>
    public int Index { get; }

    public string Name => "replica " + Index.ToString(CultureInfo.InvariantCulture);

    public static async Task<Replica> StartAsync(BenchOptions options, int index)
    {
        var child = Child.Start(
            "replica" + index.ToString(CultureInfo.InvariantCulture),
            options,
            ["serve", "--listen", "http://127.0.0.1:0", "--store", "postgres:" + options.Postgres],
            new Dictionary<string, string> { ["SWITCHBACK_ADMIN_KEY"] = AdminKey });
        try
        {
            const string marker = "Switchback listening on ";
            var line = await child.WaitForLineAsync(marker, TimeSpan.FromSeconds(120));
            return new Replica(child, line[(line.IndexOf(marker, StringComparison.Ordinal) + marker.Length)..].Trim().TrimEnd('/'), index);
        }
        catch
        {
            child.Dispose();
            throw;
        }
    }

    /// <summary><c>POST /versions</c> with one bundle manifest (YAML).</summary>
    public Task<JsonNode> RegisterAsync(string yaml) => SendAsync(HttpMethod.Post, "versions", yaml, "application/yaml");

    public Task<JsonNode> ReplicasAsync() => SendAsync(HttpMethod.Get, "replicas");

    public Task<JsonNode> RoutingAsync() => SendAsync(HttpMethod.Get, $"deployments/{Deployment}/routing");

    /// <summary>A forced rollback to <paramref name="to"/> (forced: a version that has not served lately is refused otherwise).</summary>
    public Task<JsonNode> RollbackAsync(int to, string reason)
        => SendAsync(HttpMethod.Post, $"deployments/{Deployment}/rollback", new JsonObject { ["to"] = to, ["reason"] = reason, ["force"] = true }.ToJsonString(), "application/json");

    /// <summary>This process's record of the deployment's last rollback (the leader's, for a rollout's own rollback).</summary>
    public Task<JsonNode> LastRollbackAsync() => SendAsync(HttpMethod.Get, $"deployments/{Deployment}/rollback");

    public Task<JsonNode> StartRolloutAsync(string yaml) => SendAsync(HttpMethod.Post, $"deployments/{Deployment}/rollouts", yaml, "application/yaml");

    public Task<JsonNode> RolloutAsync() => SendAsync(HttpMethod.Get, $"deployments/{Deployment}/rollout");

    public Task<JsonNode> AbortRolloutAsync(string reason)
        => SendAsync(HttpMethod.Post, $"deployments/{Deployment}/rollout/abort", new JsonObject { ["reason"] = reason }.ToJsonString(), "application/json");

    /// <summary>The deployment's audit entries after sequence <paramref name="after"/>, oldest first.</summary>
    public async Task<JsonArray> AuditAsync(long after)
        => (await SendAsync(HttpMethod.Get, $"audit?target={Deployment}&after={after.ToString(CultureInfo.InvariantCulture)}&limit=10000"))["entries"]!.AsArray();

    /// <summary>The sequence of the last audit entry.</summary>
    public async Task<long> AuditHeadAsync() => (await SendAsync(HttpMethod.Get, "audit/head"))["sequence"]!.GetValue<long>();

    public void Dispose()
    {
        admin.Dispose();
        child.Dispose();
    }

    private async Task<JsonNode> SendAsync(HttpMethod method, string path, string? body = null, string? mediaType = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8, mediaType!);
        }

        using var response = await admin.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"{Name}: {method} /api/v1/{path} answered {(int)response.StatusCode}: {text}");
        }

        return JsonNode.Parse(text) ?? throw new InvalidOperationException($"{Name}: {method} /api/v1/{path} answered no JSON");
    }
}
