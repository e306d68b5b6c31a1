using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Switchback.FunctionalTests.Infrastructure;
using Switchback.UpstreamSim;

namespace Switchback.FunctionalTests.OfflineEvals;

/// <summary>`switchback eval run` against a served gateway: healthy and silently regressed versions, the judge, auth and bad input.</summary>
public sealed class EvalRunTests : IAsyncLifetime
{
    private const int Cases = 40;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private readonly TempDir dir = new();
    private ServerProcess server = null!;
    private UpstreamSimulator healthy = null!;
    private UpstreamSimulator regressed = null!;
    private string golden = null!;

    public async ValueTask InitializeAsync()
    {
        healthy = await UpstreamSimulator.StartAsync(new UpstreamSimOptions { Listen = "http://127.0.0.1:0", LatencyMs = 0, Seed = 1 });
        regressed = await UpstreamSimulator.StartAsync(new UpstreamSimOptions { Listen = "http://127.0.0.1:0", LatencyMs = 0, Seed = 1, Profile = SimProfile.SilentRegression });
        server = await ServerProcess.StartAsync(dir.SqliteStore);
        var manifest = Manifests.Bundle("chat-bot", 1, 0.2, new Uri(healthy.BaseAddress, "v1").ToString())
            + "---\n" + Manifests.Bundle("chat-bot", 2, 0.3, new Uri(regressed.BaseAddress, "v1").ToString())
            + "---\n" + Manifests.Bundle("chat-bot", 3, 0.4, "http://127.0.0.1:9/v1")
            + "---\n" + Manifests.Bundle("judge-bot", 1, 0.0, new Uri(healthy.BaseAddress, "v1").ToString());
        var apply = await server.CliAsync("apply", "-f", dir.Write("bundles.yaml", manifest));
        Assert.True(apply.ExitCode == 0, apply.ToString());
        var lines = new StringBuilder("{\"defaults\": {\"scorer\": {\"type\": \"contains\"}}}\n");
        for (var i = 0; i < Cases; i++)
        {
            // The simulator's good answer starts "Answer to: <the question>", whatever else it says.
            lines.Append($"{{\"id\": \"q{i}\", \"prompt\": \"Question {i} about refunds\", \"expected\": \"Answer to: Question {i} about refunds\"}}\n");
        }

        golden = dir.Write("golden.jsonl", lines.ToString());
    }

    public async ValueTask DisposeAsync()
    {
        server.Dispose();
        await healthy.DisposeAsync();
        await regressed.DisposeAsync();
        dir.Dispose();
    }

    [Fact]
    public async Task EvalRun_HealthyVersion_ScoresFullMarksStoresTheReportAndBundleShowListsIt()
    {
        var run = await server.CliAsync("eval", "run", "chat-bot@1", "--dataset", golden, "--output", "json");

        Assert.True(run.ExitCode == 0, run.ToString());
        var view = JsonNode.Parse(run.Stdout)!;
        Assert.Equal(1.0, view["report"]!["aggregate"]!["mean_score"]!.GetValue<double>());
        Assert.Equal(Cases, view["summary"]!["cases"]!.GetValue<int>());
        Assert.Equal(Cases, view["report"]!["cases"]!.AsArray().Count);
        Assert.StartsWith("Answer to: Question 0 about refunds", view["report"]!["cases"]![0]!["answer"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(Cases, healthy.Stats.RequestsTo(SimEndpoint.ChatCompletions));
        var id = view["summary"]!["id"]!.GetValue<long>();

        using var admin = server.CreateHttpClient();
        var list = JsonNode.Parse(await admin.GetStringAsync("/api/v1/deployments/chat-bot/versions/1/evals", Ct))!;
        Assert.Equal(id, Assert.Single(list["evals"]!.AsArray())!["id"]!.GetValue<long>());
        var one = JsonNode.Parse(await admin.GetStringAsync($"/api/v1/deployments/chat-bot/versions/1/evals/{id}", Ct))!;
        Assert.Equal(view["summary"]!["dataset_digest"]!.GetValue<string>(), one["report"]!["dataset_digest"]!.GetValue<string>());
        var show = await server.CliAsync("bundle", "show", "chat-bot@1");
        Assert.Contains($"#{id} ", show.Stdout, StringComparison.Ordinal);
        Assert.Contains("mean 1  pass rate 1", show.Stdout, StringComparison.Ordinal);
        var history = await server.CliAsync("history", "chat-bot", "--output", "json");
        Assert.Contains("eval.run", history.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EvalRun_SilentRegressionVersion_ScoresLowerByExactlyTheBadAnswers()
    {
        var run = await server.CliAsync("eval", "run", "chat-bot@2", "--dataset", golden, "--concurrency", "8", "--output", "json");

        Assert.True(run.ExitCode == 0, run.ToString());
        var report = JsonNode.Parse(run.Stdout)!["report"]!;
        var failed = report["cases"]!.AsArray().Count(c => c!["score"]!.GetValue<double>() < 1);
        // Wrong answers and refusals drop the question; leaks keep it (contains cannot see them: the gate's point is scores).
        Assert.Equal(regressed.Stats.Count(SimOutcome.WrongAnswer) + regressed.Stats.Count(SimOutcome.Refusal), failed);
        Assert.True(failed > 0, "the silent-regression profile produced no wrong answer or refusal in 40 requests");
        Assert.True(report["aggregate"]!["mean_score"]!.GetValue<double>() < 1.0);
        Assert.Equal(0, report["aggregate"]!["errors"]!.GetValue<int>());
    }

    [Fact]
    public async Task EvalRun_TextMode_PrintsCaseTableAndAggregate()
    {
        var run = await server.CliAsync("eval", "run", "chat-bot@1", "--dataset", golden);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("chat-bot@1: mean score 1, pass rate 1 (40 cases, 0 errors)", run.Stdout, StringComparison.Ordinal);
        Assert.Contains("contains: mean 1, pass rate 1, 40 cases", run.Stdout, StringComparison.Ordinal);
        Assert.Contains("q39", run.Stdout, StringComparison.Ordinal);
        Assert.Contains("stored as eval report", run.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EvalRun_UnreachableUpstream_ScoresZeroWithTheErrorAndExitsOne()
    {
        var run = await server.CliAsync("eval", "run", "chat-bot@3", "--dataset", golden, "--output", "json");

        Assert.True(run.ExitCode == 1, run.ToString());
        var report = JsonNode.Parse(run.Stdout)!["report"]!;
        Assert.Equal(Cases, report["aggregate"]!["errors"]!.GetValue<int>());
        Assert.All(report["cases"]!.AsArray(), c => Assert.StartsWith("HTTP 502", c!["reason"]!.GetValue<string>(), StringComparison.Ordinal));
    }

    [Fact]
    public async Task EvalRun_JudgeThatAnswersProse_ScoresZeroAsUnparseable()
    {
        var dataset = dir.Write("judge.jsonl",
            "{\"id\": \"j1\", \"prompt\": \"What is our refund window?\", \"expected\": \"30 days\", " +
            "\"scorer\": {\"type\": \"judge\", \"deployment\": \"judge-bot\", \"rubric\": \"Q: {{ question }} A: {{ answer }} Expected: {{ expected }}. Answer PASS or FAIL.\"}}\n");

        var run = await server.CliAsync("eval", "run", "chat-bot@1", "--dataset", dataset, "--output", "json");

        Assert.True(run.ExitCode == 0, run.ToString());
        var only = Assert.Single(JsonNode.Parse(run.Stdout)!["report"]!["cases"]!.AsArray())!;
        Assert.Equal(0.0, only["score"]!.GetValue<double>());
        Assert.StartsWith("unparseable verdict", only["reason"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(2, healthy.Stats.RequestsTo(SimEndpoint.ChatCompletions));
    }

    [Fact]
    public async Task EvalRun_InvalidDatasetFile_ExitsOneNamingTheLineAndSendsNothing()
    {
        var bad = dir.Write("bad.jsonl", "{\"id\": \"a\", \"prompt\": \"x\", \"scorer\": {\"type\": \"regex\", \"pattern\": \"x\"}}\n{\"id\": \"b\", \"prompt\": 5}\n");

        var run = await server.CliAsync("eval", "run", "chat-bot@1", "--dataset", bad);
        var missing = await server.CliAsync("eval", "run", "chat-bot@1", "--dataset", dir.File("nope.jsonl"));

        Assert.True(run.ExitCode == 1, run.ToString());
        Assert.Contains("line 2: prompt: expected text, got a number", run.Stderr, StringComparison.Ordinal);
        Assert.True(missing.ExitCode == 1, missing.ToString());
        Assert.Contains("file not found", missing.Stderr, StringComparison.Ordinal);
        Assert.Equal(0, healthy.Stats.RequestsTo(SimEndpoint.ChatCompletions));
    }

    [Fact]
    public async Task EvalEndpoints_RefuseWrongKeysBadBodiesAndUnknownVersions_AndStoreNothing()
    {
        var created = await server.CliAsync("key", "create", "--role", "viewer", "--name", "watcher", "--output", "json");
        Assert.True(created.ExitCode == 0, created.ToString());
        var viewerKey = JsonNode.Parse(created.Stdout)!["key"]!.GetValue<string>();
        using var viewer = server.CreateHttpClient(viewerKey);
        using var anonymous = server.CreateHttpClient(apiKey: null);
        using var admin = server.CreateHttpClient();
        var text = await File.ReadAllTextAsync(golden, Ct);
        const string path = "/api/v1/deployments/chat-bot/versions/1/evals";

        using (var r = await viewer.PostAsJsonAsync(path, new { dataset = text }, Ct))
        {
            Assert.Equal(HttpStatusCode.Forbidden, r.StatusCode);
        }

        using (var r = await anonymous.PostAsJsonAsync(path, new { dataset = text }, Ct))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, r.StatusCode);
        }

        using (var r = await anonymous.GetAsync(path, Ct))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, r.StatusCode);
        }

        await AssertErrorAsync(admin.PostAsJsonAsync(path, new { dataset = "{\"id\": 1}\n" }, Ct), HttpStatusCode.BadRequest, "invalid_dataset");
        await AssertErrorAsync(admin.PostAsJsonAsync(path, new { dataset = text, concurrency = 0 }, Ct), HttpStatusCode.BadRequest, "invalid_field");
        await AssertErrorAsync(admin.PostAsJsonAsync(path, new { data = text }, Ct), HttpStatusCode.BadRequest, "missing_field");
        await AssertErrorAsync(admin.PostAsync(path, new StringContent("{not json", Encoding.UTF8, "application/json"), Ct), HttpStatusCode.BadRequest, "invalid_json");
        await AssertErrorAsync(admin.PostAsJsonAsync("/api/v1/deployments/chat-bot/versions/9/evals", new { dataset = text }, Ct), HttpStatusCode.NotFound, "version_not_found");
        await AssertErrorAsync(admin.GetAsync(path + "/1", Ct), HttpStatusCode.NotFound, "eval_not_found");
        await AssertErrorAsync(admin.GetAsync(path + "/x", Ct), HttpStatusCode.BadRequest, "invalid_field");

        var list = JsonNode.Parse(await viewer.GetStringAsync(path, Ct))!;
        Assert.Empty(list["evals"]!.AsArray());
        Assert.Equal(0, healthy.Stats.RequestsTo(SimEndpoint.ChatCompletions));
    }

    private static async Task AssertErrorAsync(Task<HttpResponseMessage> call, HttpStatusCode status, string code)
    {
        using var response = await call;
        var body = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(response.StatusCode == status, $"{response.StatusCode}: {body}");
        Assert.Equal(code, JsonNode.Parse(body)!["error"]!["code"]!.GetValue<string>());
    }
}
