using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Switchback.Control.Alerts;
using Switchback.Control.Rollbacks;
using Switchback.Control.Rollouts;
using Switchback.Core.Bundles;
using Switchback.Core.Manifests;
using Switchback.Core.Rollouts;
using Switchback.Core.Routing;
using Switchback.Gateway.Hosting;
using Switchback.Gateway.Routing;
using Switchback.Gateway.Signals;
using Switchback.Storage;

namespace Switchback.Control.Tests.Rollouts;

/// <summary>
/// A real SQLite store in a temp folder, the real gateway routing and signals, and the controller on a fake clock, with
/// hand-written fakes for alerts and the target health check. Nothing runs by itself: tests call <see cref="TickAsync"/>.
/// </summary>
internal sealed class ControllerHarness : IAsyncDisposable
{
    public const string Deployment = "svc";

    private readonly string folder = Path.Combine(Path.GetTempPath(), "sb-ctl-" + Guid.NewGuid().ToString("N"));
    private readonly ServiceProvider provider;

    public ControllerHarness(IRegistryStore? store = null, string? storePath = null, Switchback.Control.Fleet.ILeadership? leadership = null, Action<IServiceCollection>? configure = null)
    {
        Directory.CreateDirectory(folder);
        StorePath = storePath ?? Path.Combine(folder, "registry.db");
        Store = store ?? RegistryStoreFactory.Create("sqlite:" + StorePath, Time);
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<TimeProvider>(Time);
        services.AddSingleton(Store);
        services.AddSingleton<IAlertDispatcher>(Alerts);
        services.AddSingleton<ITargetHealthCheck>(Health);
        services.AddSingleton<IGateRunner>(Gates);
        if (leadership is not null)
        {
            services.AddSingleton(leadership);
        }

        services.AddSwitchbackGateway();
        services.AddSwitchbackRollouts();
        configure?.Invoke(services);
        provider = services.BuildServiceProvider();
    }

    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 3, 1, 10, 0, 0, TimeSpan.Zero));

    public string StorePath { get; }

    public IRegistryStore Store { get; }

    public RecordingAlerts Alerts { get; } = new();

    public FakeHealth Health { get; } = new();

    public FakeGateRunner Gates { get; } = new();

    public RolloutController Controller => provider.GetRequiredService<RolloutController>();

    public RollbackService Rollbacks => provider.GetRequiredService<RollbackService>();

    public IServiceProvider Provider => provider;

    public SignalRegistry Signals => provider.GetRequiredService<SignalRegistry>();

    public RoutingTableHolder Routing => provider.GetRequiredService<RoutingTableHolder>();

    public IServiceProvider Services => provider;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static RolloutSpec Spec(string body)
    {
        var read = ManifestReader.Read($"kind: Rollout\ndeployment: {Deployment}\n{body}", "rollout.yaml");
        Assert.True(read.IsValid, string.Join("\n", read.Errors));
        var spec = RolloutSpec.Parse((RolloutManifest)read.Documents[0], "rollout.yaml");
        Assert.True(spec.IsValid, string.Join("\n", spec.Errors));
        return spec.Spec!;
    }

    /// <summary>Migrates, registers versions 1..<paramref name="versions"/> and loads the routing snapshot.</summary>
    public async Task InitializeAsync(int versions = 2)
    {
        await Store.MigrateAsync(Ct);
        for (var v = 1; v <= versions; v++)
        {
            var json = $$$"""{"model":{"endpoint":"http://127.0.0.1:9/v1","name":"m{{{v}}}","provider":"openai"}}""";
            var digest = "sha256:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(json)));
            await Store.RegisterAsync(new BundleContent(Deployment, v, json, digest), new AuditContext("admin"), Ct);
        }

        await provider.GetRequiredService<RoutingSnapshotLoader>().RefreshAsync(Ct);
    }

    public RoutingState Routed => Routing.Current.TryGet(Deployment, out var s) ? s : throw new InvalidOperationException("not routed");

    /// <summary>
    /// Records <paramref name="ok"/> good and <paramref name="errors"/> failed requests for a version in the current second, as
    /// the forwarder does: in the signals and, while a canary routes, each in its own unit (requests without a key).
    /// </summary>
    public void Serve(int version, int ok, int errors = 0, double latencyMs = 20)
    {
        var signals = Signals.Get(Deployment, version);
        for (var i = 0; i < ok; i++)
        {
            Record(signals, version, new RequestSample(latencyMs * (0.8 + (0.4 * (i % 5) / 4.0))), keyHash: 0);
        }

        for (var i = 0; i < errors; i++)
        {
            Record(signals, version, new RequestSample(5, RequestOutcome.Http5xx), keyHash: 0);
        }
    }

    /// <summary>One request of key <paramref name="keyHash"/> (0: no key) on <paramref name="version"/>, as the forwarder records it.</summary>
    public void Record(VersionSignals signals, int version, RequestSample sample, ulong keyHash)
    {
        signals.Record(sample);
        if (Ticket(version, keyHash) is { } ticket)
        {
            Units.Record(ticket, sample);
        }
    }

    /// <summary>The unit ticket the router gives a request of key <paramref name="keyHash"/> on <paramref name="version"/> while a canary routes; null otherwise.</summary>
    public Switchback.Gateway.Units.UnitTicket? Ticket(int version, ulong keyHash)
        => Routing.Current.TryGet(Deployment, out var state) && state is { Salt: { } salt, CandidateVersion: { } candidate, CandidateWeightBps: > 0 }
            ? new Switchback.Gateway.Units.UnitTicket(Deployment, salt, keyHash, version, version == candidate, state.CandidateWeightBps)
            : null;

    public Switchback.Gateway.Units.UnitTracker Units => provider.GetRequiredService<Switchback.Gateway.Units.UnitTracker>();

    /// <summary>Advances the clock one second, then ticks.</summary>
    public async Task SecondAsync()
    {
        Time.Advance(TimeSpan.FromSeconds(1));
        await Controller.TickAsync(Ct);
    }

    public async Task<RolloutState> StartAsync(RolloutSpec spec, int candidate = 2)
    {
        var result = await Controller.BeginAsync(spec, candidate, "ops", Ct);
        Assert.Equal(RolloutStartResultStatus.Started, result.Status);
        return result.Rollout!;
    }

    public async Task<RolloutState> LatestAsync() => (await Store.ListRolloutsAsync(Deployment, Ct))[0];

    public async ValueTask DisposeAsync()
    {
        await provider.DisposeAsync();
        await Store.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(folder, recursive: true);
        }
        catch (IOException)
        {
            // A file still open by a pooled connection: the temp folder is cleaned by the OS.
        }
    }

    /// <summary>Keeps every alert enqueued.</summary>
    internal sealed class RecordingAlerts : IAlertDispatcher
    {
        private readonly List<(AlertMessage Alert, IReadOnlyList<AlertReceiver> Receivers)> sent = [];

        public IReadOnlyList<(AlertMessage Alert, IReadOnlyList<AlertReceiver> Receivers)> Sent
        {
            get
            {
                lock (sent)
                {
                    return [.. sent];
                }
            }
        }

        public void Enqueue(AlertMessage alert, IReadOnlyList<AlertReceiver> receivers)
        {
            lock (sent)
            {
                sent.Add((alert, receivers));
            }
        }
    }

    /// <summary>Healthy unless a problem is set; counts checks.</summary>
    internal sealed class FakeHealth : ITargetHealthCheck
    {
        public string? Problem { get; set; }

        public int Checks { get; private set; }

        public Task<string?> ProblemAsync(string deployment, int version, CancellationToken cancellationToken)
        {
            Checks++;
            return Task.FromResult(Problem);
        }
    }
}
