using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Switchback.Core.Access;
using Switchback.Core.Bundles;
using Switchback.Core.Routing;
using Switchback.Gateway.Hosting;
using Switchback.Gateway.Routing;
using Switchback.Gateway.Signals;
using Switchback.Storage;

namespace Switchback.Gateway.Tests.Hosting;

/// <summary>The gateway on a real Kestrel (port 0) over a real SQLite file in a temp directory.</summary>
internal sealed class GatewayHost : IAsyncDisposable
{
    /// <summary><c>/v1/chat/completions</c>.</summary>
    public const string ChatPath = "/v1/chat/completions";

    /// <summary><c>/v1/completions</c>.</summary>
    public const string CompletionsPath = "/v1/completions";

    /// <summary><c>/v1/embeddings</c>.</summary>
    public const string EmbeddingsPath = "/v1/embeddings";

    private readonly string directory;
    private readonly WebApplication app;

    private GatewayHost(string directory, IRegistryStore store, WebApplication app, Uri address)
    {
        this.directory = directory;
        this.app = app;
        Store = store;
        Address = address;
        Client = new HttpClient { BaseAddress = address };
    }

    public IRegistryStore Store { get; }

    public Uri Address { get; }

    public HttpClient Client { get; }

    public SignalRegistry Signals => app.Services.GetRequiredService<SignalRegistry>();

    public RoutingSnapshotLoader Loader => app.Services.GetRequiredService<RoutingSnapshotLoader>();

    public RoutingTableHolder Routing => app.Services.GetRequiredService<RoutingTableHolder>();

    public IServiceProvider Services => app.Services;

    /// <summary>The SQLite file of this gateway's store.</summary>
    public string DatabaseFile => Path.Combine(directory, "registry.db");

    public static async Task<GatewayHost> StartAsync(
        TimeProvider? time = null,
        Action<GatewayOptions>? configure = null,
        Func<IRegistryStore, Task>? seed = null,
        Action<Switchback.Gateway.Health.HealthOptions>? health = null,
        Action<Switchback.Gateway.Shadow.ShadowOptions>? shadow = null,
        UpstreamKeyPolicy? keyPolicy = null,
        string? sharedDatabase = null)
    {
        time ??= TimeProvider.System;
        var directory = Directory.CreateTempSubdirectory("sb-gateway-").FullName;

        // With sharedDatabase, a second gateway on the first one's SQLite file: two replicas of one store.
        var store = RegistryStoreFactory.Create("sqlite:" + (sharedDatabase ?? Path.Combine(directory, "registry.db")), time);
        await store.MigrateAsync();
        if (seed is not null)
        {
            await seed(store);
        }

        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        if (Environment.GetEnvironmentVariable("SB_TEST_LOG") == "1")
        {
            builder.Logging.AddSimpleConsole();
        }

        builder.Services.AddSingleton(store);
        builder.Services.AddSingleton(time);
        if (keyPolicy is not null)
        {
            builder.Services.AddSingleton(keyPolicy);
        }

        builder.Services.AddSwitchbackGateway(configure, health, shadow);
        var app = builder.Build();
        app.MapSwitchbackGateway();
        await app.StartAsync();
        var address = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        return new GatewayHost(directory, store, app, address);
    }

    public static async Task<int> RegisterAsync(IRegistryStore store, string deployment, JsonObject content)
    {
        var outcome = await store.RegisterAsync(BundleDigest.Create(deployment, null, content), new AuditContext("test"));
        return outcome.Bundle.Version;
    }

    /// <summary>A seed registering <c>svc</c> version 1 (model <c>s</c>) at <paramref name="stable"/> and version 2 (model <c>c</c>) at <paramref name="candidate"/>.</summary>
    public static Func<IRegistryStore, Task> StableAndCandidate(Uri stable, Uri candidate) => async store =>
    {
        await RegisterAsync(store, "svc", Bundle(stable, "s"));
        await RegisterAsync(store, "svc", Bundle(candidate, "c"));
    };

    public static JsonObject Bundle(Uri endpoint, string name = "up-model", JsonObject? extra = null)
    {
        var content = new JsonObject
        {
            ["model"] = new JsonObject { ["provider"] = "openai", ["endpoint"] = new Uri(endpoint, "v1").ToString(), ["name"] = name },
        };
        foreach (var (key, value) in extra ?? [])
        {
            content[key] = value?.DeepClone();
        }

        return content;
    }

    public async Task SetRoutingAsync(RoutingState state)
    {
        var outcome = await Store.SetRoutingStateAsync(state, new AuditContext("test"));
        Assert.Equal(RoutingSetStatus.Set, outcome.Status);
        Assert.True(await Loader.RefreshAsync());
    }

    public async Task<string> CreateKeyAsync(Role role)
    {
        var key = ApiKeys.Generate();
        await Store.CreateKeyAsync($"k{Guid.NewGuid():N}"[..20], role, ApiKeys.Hash(key), new AuditContext("test"));
        return key;
    }

    public static HttpRequestMessage Chat(string model, string? stickyKey = null, string content = "hello", string? bearer = null)
        => Inference(ChatPath, model, stickyKey, content, bearer);

    /// <summary>
    /// A minimal request to one of the OpenAI inference endpoints: <paramref name="content"/> as chat's user message,
    /// the completion's <c>prompt</c> or the embedding's <c>input</c>, whichever <paramref name="path"/> takes.
    /// </summary>
    public static HttpRequestMessage Inference(string path, string model, string? stickyKey = null, string content = "hello", string? bearer = null)
    {
        var body = new JsonObject { ["model"] = model };
        switch (path)
        {
            case ChatPath:
                body["messages"] = new JsonArray(new JsonObject { ["role"] = "user", ["content"] = content });
                break;
            case CompletionsPath:
                body["prompt"] = content;
                break;
            case EmbeddingsPath:
                body["input"] = content;
                break;
            default:
                throw new ArgumentException($"not an OpenAI inference path: {path}", nameof(path));
        }

        var request = new HttpRequestMessage(HttpMethod.Post, path)
        {
            Content = new StringContent(body.ToJsonString(), System.Text.Encoding.UTF8, "application/json"),
        };
        if (stickyKey is not null)
        {
            request.Headers.Add("x-switchback-key", stickyKey);
        }

        if (bearer is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        }

        return request;
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await app.StopAsync();
        await app.DisposeAsync();
        await Store.DisposeAsync();
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (IOException)
        {
            // A straggling handle on Windows-like filesystems; the temp dir is cleaned by the OS.
        }
    }
}
