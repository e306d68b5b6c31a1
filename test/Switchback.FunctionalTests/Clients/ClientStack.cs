using System.ClientModel;
using OpenAI;
using Switchback.FunctionalTests.Infrastructure;

namespace Switchback.FunctionalTests.Clients;

/// <summary>
/// One `switchback serve` with svc@1 (stable) and svc@2 registered on two `switchback upstream-sim` processes, shared
/// by a test class: the clients only read from it, so starting it once keeps the class fast.
/// </summary>
public sealed class ClientStack : IAsyncLifetime
{
    private readonly TempDir dir = new();
    private Sim v1 = null!;
    private Sim v2 = null!;

    internal ServerProcess Server { get; private set; } = null!;

    /// <summary>An <see cref="OpenAIClient"/> configured as an application would be: only its endpoint points at Switchback.</summary>
    internal OpenAIClient OpenAI => new(new ApiKeyCredential("sk-any-client-key"), new OpenAIClientOptions { Endpoint = new Uri(Server.Url + "/v1") });

    public async ValueTask InitializeAsync()
    {
        var sims = await Task.WhenAll(Sim.StartAsync("healthy", "--seed", "1"), Sim.StartAsync("healthy", "--seed", "2"));
        (v1, v2) = (sims[0], sims[1]);
        Server = await ServerProcess.StartAsync(dir.SqliteStore);
        await Svc.RegisterAsync(Server, dir, v1.Url, v2.Url);
    }

    public ValueTask DisposeAsync()
    {
        Server?.Dispose();
        v1?.Dispose();
        v2?.Dispose();
        dir.Dispose();
        return ValueTask.CompletedTask;
    }
}
