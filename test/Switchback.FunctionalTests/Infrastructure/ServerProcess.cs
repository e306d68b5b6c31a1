namespace Switchback.FunctionalTests.Infrastructure;

/// <summary>A real <c>switchback serve</c> on a free loopback port; killed on dispose.</summary>
internal sealed class ServerProcess : IDisposable
{
    public const string AdminKey = "sb_functional_admin_key_0123456789abcdef";

    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(90);

    private ServerProcess(ChildProcess child, string url)
    {
        Child = child;
        Url = url;
    }

    public ChildProcess Child { get; }

    public string Url { get; }

    public string Stdout => Child.Stdout;

    public string Stderr => Child.Stderr;

    /// <summary>
    /// Starts a server on <paramref name="store"/>; <paramref name="adminKey"/> null leaves SWITCHBACK_ADMIN_KEY unset;
    /// <paramref name="arguments"/> go after <c>serve</c>'s own.
    /// </summary>
    public static async Task<ServerProcess> StartAsync(
        string store, string? adminKey = AdminKey, IReadOnlyDictionary<string, string?>? environment = null, IReadOnlyList<string>? arguments = null, string listen = "http://127.0.0.1:0")
    {
        var env = new Dictionary<string, string?>(environment ?? new Dictionary<string, string?>());
        if (adminKey is not null)
        {
            env["SWITCHBACK_ADMIN_KEY"] = adminKey;
        }

        var child = ChildProcess.Start(["serve", "--listen", listen, "--store", store, .. arguments ?? []], env);
        try
        {
            var line = await child.WaitForLineAsync("Switchback listening on ", StartTimeout);
            return new ServerProcess(child, line["Switchback listening on ".Length..].Trim());
        }
        catch
        {
            child.Dispose();
            throw;
        }
    }

    /// <summary>SIGKILL: no graceful shutdown, as in a crash.</summary>
    public void Kill() => Child.Kill();

    public HttpClient CreateHttpClient(string? apiKey = AdminKey)
    {
        var client = new HttpClient { BaseAddress = new Uri(Url + "/"), Timeout = TimeSpan.FromSeconds(60) };
        if (apiKey is not null)
        {
            client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", apiKey);
        }

        return client;
    }

    public Task<CliResult> CliAsync(params string[] args) => CliRunner.RunAsync(Url, AdminKey, args);

    public Task<CliResult> CliWithKeyAsync(string? apiKey, params string[] args) => CliRunner.RunAsync(Url, apiKey, args);

    public void Dispose() => Child.Dispose();
}
