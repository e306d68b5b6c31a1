using System.Text;
using System.Text.Json.Nodes;
using Switchback.Control.OfflineEvals;
using Switchback.Core.Manifests;
using Switchback.Core.Rollouts;
using Switchback.FunctionalTests.Infrastructure;
using Switchback.Storage;
using Switchback.UpstreamSim;

namespace Switchback.FunctionalTests.OfflineEvals;

/// <summary>
/// The rollout gate on a served gateway: the dataset runs on a silently regressed candidate and on stable, the reports are
/// stored, and the decider aborts the rollout before any routing change. (The controller that executes RunGateAction is
/// being built elsewhere; this drives GateService and RolloutDecider the way it will.)
/// </summary>
public sealed class GateTests : IAsyncLifetime
{
    private const int Cases = 40;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private readonly TempDir dir = new();
    private ServerProcess server = null!;
    private UpstreamSimulator healthy = null!;
    private UpstreamSimulator regressed = null!;
    private IRegistryStore store = null!;
    private HttpClient http = null!;
    private string dataset = null!;

    public async ValueTask InitializeAsync()
    {
        healthy = await UpstreamSimulator.StartAsync(new UpstreamSimOptions { Listen = "http://127.0.0.1:0", LatencyMs = 0, Seed = 3 });
        regressed = await UpstreamSimulator.StartAsync(new UpstreamSimOptions
        {
            Listen = "http://127.0.0.1:0", LatencyMs = 0, Seed = 3, Profile = SimProfile.SilentRegression, RegressionRate = 0.5,
        });
        server = await ServerProcess.StartAsync(dir.SqliteStore);
        var manifest = Manifests.Bundle("support-bot", 1, 0.2, new Uri(healthy.BaseAddress, "v1").ToString())
            + "---\n" + Manifests.Bundle("support-bot", 2, 0.3, new Uri(regressed.BaseAddress, "v1").ToString())
            + "---\n" + Manifests.Bundle("support-bot", 3, 0.4, new Uri(healthy.BaseAddress, "v1").ToString());
        var apply = await server.CliAsync("apply", "-f", dir.Write("bundles.yaml", manifest));
        Assert.True(apply.ExitCode == 0, apply.ToString());
        var lines = new StringBuilder();
        for (var i = 0; i < Cases; i++)
        {
            lines.Append($"{{\"id\": \"q{i}\", \"prompt\": \"Question {i}\", \"expected\": \"Answer to: Question {i}\", \"scorer\": {{\"type\": \"contains\"}}}}\n");
        }

        dataset = lines.ToString();
        store = RegistryStoreFactory.Create(dir.SqliteStore, TimeProvider.System);
        http = new HttpClient();
    }

    public async ValueTask DisposeAsync()
    {
        http.Dispose();
        await store.DisposeAsync();
        server.Dispose();
        await healthy.DisposeAsync();
        await regressed.DisposeAsync();
        dir.Dispose();
    }

    private static RolloutState Gating(int candidate)
    {
        var read = ManifestReader.Read("""
            kind: Rollout
            deployment: support-bot
            strategy: canary
            steps:
              - canary: { weight: 5, duration: 5m }
              - canary: { weight: 100 }
            gate: { dataset: golden.jsonl, min_score: 0.9, max_drop_vs_stable: 0.02 }
            """, "rollout.yaml");
        Assert.True(read.IsValid, string.Join("\n", read.Errors));
        var spec = RolloutSpec.Parse((RolloutManifest)read.Documents[0], "rollout.yaml");
        Assert.True(spec.Spec is not null, string.Join("\n", spec.Errors));
        var now = DateTimeOffset.UnixEpoch;
        var first = RolloutDecider.Decide(RolloutState.Create("r-1", spec.Spec!, 1, candidate, now), new RolloutObservation(now), now);
        Assert.Equal(RolloutPhase.Gating, first.Next.Phase);
        Assert.IsType<RunGateAction>(Assert.Single(first.Actions));
        return first.Next;
    }

    private GateService Service() => new(store, new EvalRunner(http, TimeProvider.System));

    private GateRequest Request(int candidate) => new("support-bot", candidate, 1, new GateSpec("golden.jsonl", 0.9, 0.02), dataset,
        new Uri(server.Url + "/"), ServerProcess.AdminKey, "rollout:r-1");

    [Fact]
    public async Task Gate_SilentRegressionCandidate_FailsAndTheRolloutAbortsBeforeAnyUserTraffic()
    {
        var state = Gating(candidate: 2);

        var run = await Service().RunAsync(Request(2), new EvalRunOptions(), Ct);
        var decision = RolloutDecider.Decide(state, new RolloutObservation(DateTimeOffset.UnixEpoch) { Gate = run.Result }, DateTimeOffset.UnixEpoch);

        Assert.Equal(1.0, run.Result.StableScore);
        Assert.True(run.Result.CandidateScore < 0.9, run.Summary);
        Assert.Equal((RolloutPhase.Aborted, PhaseReason.GateFailed), (decision.Next.Phase, decision.Next.Reason));
        Assert.DoesNotContain(decision.Actions, a => a is SetRoutingAction);
        Assert.Contains(decision.Actions, a => a is AlertAction { Kind: AlertKind.GateFailed });
        Assert.Contains($"candidate support-bot@2 eval #{run.CandidateReport.Id}: mean ", run.Summary, StringComparison.Ordinal);
        Assert.Equal(Cases, regressed.Stats.RequestsTo(SimEndpoint.ChatCompletions));

        // Both reports are stored with their versions and audited; routing never moved off stable.
        Assert.Single(await store.ListEvalReportsAsync(new("support-bot", 2), Ct));
        Assert.Single(await store.ListEvalReportsAsync(new("support-bot", 1), Ct));
        Assert.Null(await store.GetRoutingStateAsync("support-bot", Ct));
        using var admin = server.CreateHttpClient();
        var routing = JsonNode.Parse(await admin.GetStringAsync("/api/v1/deployments/support-bot/routing", Ct))!;
        Assert.Null(routing["candidate"]);
        Assert.Equal(1, routing["stable"]!.GetValue<int>());
    }

    [Fact]
    public async Task Gate_HealthyCandidate_PassesAndOpensTheFirstStep()
    {
        var state = Gating(candidate: 3);

        var run = await Service().RunAsync(Request(3), new EvalRunOptions(), Ct);
        var decision = RolloutDecider.Decide(state, new RolloutObservation(DateTimeOffset.UnixEpoch) { Gate = run.Result }, DateTimeOffset.UnixEpoch);

        Assert.Equal(new GateResult(1.0, 1.0), run.Result);
        Assert.Equal(RolloutPhase.Progressing, decision.Next.Phase);
        Assert.Contains(decision.Actions, a => a is SetRoutingAction);
    }

    [Fact]
    public async Task Gate_InvalidDataset_ThrowsNamingTheLineAndRunsNothing()
    {
        var request = Request(2) with { DatasetText = "{\"id\": \"a\"}\n" };

        var error = await Assert.ThrowsAsync<ArgumentException>(() => Service().RunAsync(request, new EvalRunOptions(), Ct));

        Assert.Contains("line 1:", error.Message, StringComparison.Ordinal);
        Assert.Equal(0, regressed.Stats.RequestsTo(SimEndpoint.ChatCompletions) + healthy.Stats.RequestsTo(SimEndpoint.ChatCompletions));
    }
}
