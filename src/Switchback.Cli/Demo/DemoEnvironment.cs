using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Spectre.Console;
using Switchback.Cli.Client;
using Switchback.UpstreamSim;

namespace Switchback.Cli.Demo;

/// <summary>
/// Everything a demo scenario runs on: a temp folder with a SQLite store, a server hosted in this process, simulated
/// model servers on free loopback ports, and the admin API client the CLI uses. Disposing stops all of it.
/// </summary>
internal sealed class DemoEnvironment : IAsyncDisposable
{
    private readonly List<UpstreamSimulator> simulators = [];
    private readonly InProcessServer server;
    private readonly bool keep;

    private DemoEnvironment(string directory, InProcessServer server, string adminKey, DemoSettings settings)
    {
        Directory = directory;
        this.server = server;
        keep = settings.Keep;
        Console = settings.Console;
        Time = settings.Time;
        Seed = settings.Seed;
        AdminKey = adminKey;
        Admin = new AdminClient(new ClientSettings(server.Url.GetLeftPart(UriPartial.Authority), adminKey, Json: true));
    }

    /// <summary>The temp folder (kept with <c>--keep</c>).</summary>
    public string Directory { get; }

    /// <summary>The server's base URL (admin API and gateway).</summary>
    public Uri ServerUrl => server.Url;

    /// <summary>The admin key generated for this run.</summary>
    public string AdminKey { get; }

    /// <summary>The admin API, through the CLI's own client.</summary>
    public AdminClient Admin { get; }

    /// <summary>Where the story is told.</summary>
    public IAnsiConsole Console { get; }

    /// <summary>The clock.</summary>
    public TimeProvider Time { get; }

    /// <summary>The seed of every random choice.</summary>
    public int Seed { get; }

    /// <summary>Simulated model servers started so far, in order.</summary>
    public IReadOnlyList<UpstreamSimulator> Simulators => simulators;

    public static async Task<DemoEnvironment> StartAsync(DemoSettings settings, CancellationToken ct)
    {
        var directory = Path.Combine(Path.GetTempPath(), "switchback-demo-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4)));
        System.IO.Directory.CreateDirectory(directory);
        var adminKey = "sb_demo_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        try
        {
            var server = await InProcessServer.StartAsync("sqlite:" + Path.Combine(directory, "switchback.db"), adminKey, ct);
            return new DemoEnvironment(directory, server, adminKey, settings);
        }
        catch
        {
            TryDelete(directory, settings.Keep);
            throw;
        }
    }

    /// <summary>Starts a simulated model server on a free loopback port; it is stopped with the environment.</summary>
    public async Task<UpstreamSimulator> StartSimulatorAsync(UpstreamSimOptions options, CancellationToken ct)
    {
        var sim = await UpstreamSimulator.StartAsync(options with { Listen = "http://127.0.0.1:0" }, Time, ct);
        simulators.Add(sim);
        return sim;
    }

    /// <summary>
    /// Registers a bundle through <c>POST /api/v1/versions</c>, as <c>switchback bundle register</c> does; with
    /// <paramref name="evaluators"/>, the bundle's <c>evaluators:</c> section (docs/evaluators.md).
    /// </summary>
    public async Task RegisterAsync(string deployment, int version, UpstreamSimulator upstream, string note, CancellationToken ct, JsonObject? evaluators = null)
    {
        var body = new JsonObject
        {
            ["kind"] = "Bundle",
            ["deployment"] = deployment,
            ["version"] = version,
            ["model"] = new JsonObject { ["provider"] = "openai", ["endpoint"] = upstream.BaseAddress.GetLeftPart(UriPartial.Authority) + "/v1", ["name"] = "sim-model" },
            ["serving"] = new JsonObject { ["temperature"] = 0.2, ["max_tokens"] = 64, ["timeout_ms"] = 5000 },
            ["labels"] = new JsonObject { ["demo"] = note },
        };
        if (evaluators is not null)
        {
            body["evaluators"] = evaluators;
        }

        var response = await Admin.PostAsync("versions?source=demo", body, ct);
        Ensure(response, $"register {deployment}@{version}");
    }

    /// <summary>Starts a rollout through <c>POST /api/v1/deployments/{d}/rollouts</c>, as <c>switchback rollout start</c> does.</summary>
    public async Task<JsonNode> StartRolloutAsync(string deployment, JsonObject rollout, CancellationToken ct)
    {
        var response = await Admin.PostAsync($"deployments/{deployment}/rollouts", rollout, ct);
        return Ensure(response, $"start the rollout of {deployment}");
    }

    /// <summary>The rollout status, as <c>switchback rollout status</c> shows it.</summary>
    public Task<JsonNode> RolloutStatusAsync(string deployment, CancellationToken ct)
        => ReadAsync($"deployments/{deployment}/rollout", $"the rollout of {deployment}", ct);

    /// <summary>The deployment's last rollback timings.</summary>
    public Task<JsonNode> LastRollbackAsync(string deployment, CancellationToken ct)
        => ReadAsync($"deployments/{deployment}/rollback", $"the last rollback of {deployment}", ct);

    /// <summary>Rolls back to the previous stable through <c>POST /api/v1/deployments/{d}/rollback</c>, as <c>switchback rollback</c> does.</summary>
    public async Task<JsonNode> RollbackAsync(string deployment, string reason, CancellationToken ct)
        => Ensure(await Admin.PostAsync($"deployments/{deployment}/rollback", new JsonObject { ["reason"] = reason }, ct), $"roll {deployment} back");

    /// <summary>A GET on the admin API (<paramref name="path"/> under <c>/api/v1</c>); <paramref name="what"/> names it in the error.</summary>
    public async Task<JsonNode> ReadAsync(string path, string what, CancellationToken ct)
        => Ensure(await Admin.GetAsync(path, ct), "read " + what);

    public async ValueTask DisposeAsync()
    {
        Admin.Dispose();
        await server.DisposeAsync();
        foreach (var sim in simulators)
        {
            await sim.DisposeAsync();
        }

        TryDelete(Directory, keep);
    }

    private static JsonNode Ensure(ApiResponse response, string what)
        => response.IsSuccess && response.Body is { } body ? body : throw new DemoFailedException($"could not {what}: {response.ErrorMessage}");

    private static void TryDelete(string directory, bool keep)
    {
        if (keep)
        {
            return;
        }

        try
        {
            System.IO.Directory.Delete(directory, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is harmless; the run's result matters more.
        }
    }
}
