using System.Text.Json.Nodes;
using Switchback.FunctionalTests.Infrastructure;

namespace Switchback.FunctionalTests;

public sealed class RegistryFlowTests : IAsyncLifetime
{
    private readonly TempDir dir = new();
    private ServerProcess server = null!;

    public async ValueTask InitializeAsync() => server = await ServerProcess.StartAsync(dir.SqliteStore);

    public ValueTask DisposeAsync()
    {
        server.Dispose();
        dir.Dispose();
        return ValueTask.CompletedTask;
    }

    [Fact]
    public async Task Apply_TwoBundleFile_ListShowsTwoVersions()
    {
        var file = dir.Write("bot.yaml", Manifests.TwoVersions());

        var apply = await server.CliAsync("apply", "-f", file);

        Assert.True(apply.ExitCode == 0, apply.ToString());
        Assert.Contains("support-bot@1 created", apply.Stdout);
        Assert.Contains("support-bot@2 created", apply.Stdout);
        var list = await ListJsonAsync("support-bot");
        Assert.Equal([1, 2], list.Select(v => v!["version"]!.GetValue<int>()));
        Assert.Equal(["stable"], list[0]!["aliases"]!.AsArray().Select(a => a!.GetValue<string>()));
        var text = await server.CliAsync("bundle", "list", "support-bot");
        Assert.True(text.ExitCode == 0, text.ToString());
        Assert.Contains("stable", text.Stdout);
    }

    [Fact]
    public async Task Apply_SameFileTwice_SecondIsNoOp()
    {
        var file = dir.Write("bot.yaml", Manifests.TwoVersions());
        Assert.Equal(0, (await server.CliAsync("apply", "-f", file)).ExitCode);
        var auditBefore = await AuditCountAsync();

        var again = await server.CliAsync("apply", "-f", file);

        Assert.True(again.ExitCode == 0, again.ToString());
        Assert.Contains("support-bot@1 unchanged", again.Stdout);
        Assert.Contains("support-bot@2 unchanged", again.Stdout);
        Assert.Equal(2, (await ListJsonAsync("support-bot")).Count);
        Assert.Equal(auditBefore, await AuditCountAsync());
    }

    [Fact]
    public async Task Apply_ChangedValueUnderSameVersion_ExitsThreeNamingVersionAndField()
    {
        Assert.Equal(0, (await server.CliAsync("apply", "-f", dir.Write("v1.yaml", Manifests.Bundle(temperature: 0.2)))).ExitCode);
        var digestBefore = (await ListJsonAsync("support-bot"))[0]!["digest"]!.GetValue<string>();

        var edited = await server.CliAsync("apply", "-f", dir.Write("v1-edited.yaml", Manifests.Bundle(temperature: 0.7)));

        Assert.True(edited.ExitCode == 3, edited.ToString());
        Assert.Contains("support-bot@1", edited.Stderr);
        Assert.Contains("serving.temperature", edited.Stderr);
        Assert.Contains("0.2", edited.Stderr);
        Assert.Contains("0.7", edited.Stderr);
        var after = await ListJsonAsync("support-bot");
        Assert.Single(after);
        Assert.Equal(digestBefore, after[0]!["digest"]!.GetValue<string>());
    }

    [Fact]
    public async Task Register_WithoutVersion_GetsNextNumberAndIsIdempotent()
    {
        Assert.Equal(0, (await server.CliAsync("bundle", "register", "-f", dir.Write("v1.yaml", Manifests.Bundle(version: 1)))).ExitCode);
        var unnumbered = dir.Write("next.yaml", Manifests.Bundle(version: null, temperature: 0.5));

        var first = await server.CliAsync("bundle", "register", "-f", unnumbered);
        var second = await server.CliAsync("bundle", "register", "-f", unnumbered);

        Assert.True(first.ExitCode == 0, first.ToString());
        Assert.Contains("support-bot@2 created", first.Stdout);
        Assert.True(second.ExitCode == 0, second.ToString());
        Assert.Contains("support-bot@2 unchanged", second.Stdout);
        Assert.Equal(2, (await ListJsonAsync("support-bot")).Count);
    }

    [Fact]
    public async Task Show_Version_PrintsDigestAliasesAndContent()
    {
        Assert.Equal(0, (await server.CliAsync("apply", "-f", dir.Write("bot.yaml", Manifests.TwoVersions()))).ExitCode);

        var text = await server.CliAsync("bundle", "show", "support-bot@1");
        var json = await server.CliAsync("bundle", "show", "support-bot@1", "--output", "json");

        Assert.True(text.ExitCode == 0, text.ToString());
        Assert.Contains("sha256:", text.Stdout);
        Assert.Contains("stable", text.Stdout);
        Assert.Contains("llama-3.1-8b-instruct", text.Stdout);
        var body = JsonNode.Parse(json.Stdout)!;
        Assert.Equal(1, body["version"]!.GetValue<int>());
        Assert.Equal(0.2, body["content"]!["serving"]!["temperature"]!.GetValue<double>());
        var missing = await server.CliAsync("bundle", "show", "support-bot@9");
        Assert.Equal(1, missing.ExitCode);
        Assert.Contains("support-bot@9", missing.Stderr);
    }

    [Fact]
    public async Task Diff_TwoVersions_PrintsFieldDifferencesAsTextAndJson()
    {
        Assert.Equal(0, (await server.CliAsync("apply", "-f", dir.Write("bot.yaml", Manifests.TwoVersions()))).ExitCode);

        var text = await server.CliAsync("bundle", "diff", "support-bot@1", "support-bot@2");
        var json = await server.CliAsync("bundle", "diff", "support-bot@1", "support-bot@2", "--output", "json");

        Assert.True(text.ExitCode == 0, text.ToString());
        Assert.Contains("serving.temperature: 0.2 -> 0.3", text.Stdout);
        Assert.Contains("model.endpoint", text.Stdout);
        var differences = JsonNode.Parse(json.Stdout)!["differences"]!.AsArray();
        var temperature = differences.Single(d => d!["path"]!.GetValue<string>() == "serving.temperature")!;
        Assert.Equal(0.2, temperature["before"]!.GetValue<double>());
        Assert.Equal(0.3, temperature["after"]!.GetValue<double>());
        Assert.Equal(2, differences.Count);
    }

    [Fact]
    public async Task Archive_Version_HiddenFromListButShownWithAll()
    {
        Assert.Equal(0, (await server.CliAsync("apply", "-f", dir.Write("bot.yaml", Manifests.TwoVersions()))).ExitCode);

        var archive = await server.CliAsync("bundle", "archive", "support-bot@2", "--reason", "superseded");
        var refusedStable = await server.CliAsync("bundle", "archive", "support-bot@1");

        Assert.True(archive.ExitCode == 0, archive.ToString());
        Assert.Equal(1, refusedStable.ExitCode);
        Assert.Contains("stable", refusedStable.Stderr);
        Assert.Equal([1], (await ListJsonAsync("support-bot")).Select(v => v!["version"]!.GetValue<int>()));
        var all = await server.CliAsync("bundle", "list", "support-bot", "--all", "--output", "json");
        Assert.Equal(2, JsonNode.Parse(all.Stdout)!["versions"]!.AsArray().Count);
    }

    [Fact]
    public async Task AliasSet_MovesStable_HistoryShowsTheMoveWithReason()
    {
        Assert.Equal(0, (await server.CliAsync("apply", "-f", dir.Write("bot.yaml", Manifests.TwoVersions()))).ExitCode);

        var set = await server.CliAsync("alias", "set", "support-bot@2", "stable", "--reason", "canary looked fine");
        var noReason = await server.CliAsync("alias", "set", "support-bot@1", "stable");
        var history = await server.CliAsync("history", "support-bot", "--output", "json");
        var historyText = await server.CliAsync("history", "support-bot");

        Assert.True(set.ExitCode == 0, set.ToString());
        Assert.Contains("support-bot@1 -> support-bot@2", set.Stdout);
        Assert.Equal(2, noReason.ExitCode);
        var events = JsonNode.Parse(history.Stdout)!["alias_events"]!.AsArray();
        var move = events.Last()!;
        Assert.Equal("stable", move["alias"]!.GetValue<string>());
        Assert.Equal(1, move["from_version"]!.GetValue<int>());
        Assert.Equal(2, move["to_version"]!.GetValue<int>());
        Assert.Equal("canary looked fine", move["reason"]!.GetValue<string>());
        Assert.Equal("admin", move["actor"]!.GetValue<string>());
        Assert.Contains("canary looked fine", historyText.Stdout);
        var stable = await server.CliAsync("bundle", "show", "support-bot@2", "--output", "json");
        Assert.Contains("stable", JsonNode.Parse(stable.Stdout)!["aliases"]!.AsArray().Select(a => a!.GetValue<string>()));
    }

    [Fact]
    public async Task History_ManyMoves_IsPagedWithCursorsAndLosesNothing()
    {
        Assert.Equal(0, (await server.CliAsync("apply", "-f", dir.Write("bot.yaml", Manifests.TwoVersions()))).ExitCode);
        using var http = server.CreateHttpClient();
        for (var i = 0; i < 6; i++)
        {
            using var body = new StringContent($$"""{"version":{{(i % 2) + 1}},"reason":"move {{i}}"}""", System.Text.Encoding.UTF8, "application/json");
            (await http.PutAsync("api/v1/deployments/support-bot/aliases/champion", body, TestContext.Current.CancellationToken)).EnsureSuccessStatusCode();
        }

        var whole = JsonNode.Parse(await http.GetStringAsync("api/v1/deployments/support-bot/history", TestContext.Current.CancellationToken))!;
        var pagedAudit = new List<long>();
        var pagedEvents = new List<long>();
        var pages = 0;
        string query = "limit=3";
        while (true)
        {
            var page = JsonNode.Parse(await http.GetStringAsync($"api/v1/deployments/support-bot/history?{query}", TestContext.Current.CancellationToken))!;
            pages++;
            Assert.True(page["audit"]!.AsArray().Count <= 3 && page["alias_events"]!.AsArray().Count <= 3);
            pagedAudit.AddRange(page["audit"]!.AsArray().Select(e => e!["sequence"]!.GetValue<long>()));
            pagedEvents.AddRange(page["alias_events"]!.AsArray().Select(e => e!["id"]!.GetValue<long>()));
            if (page["next"] is not { } next)
            {
                break;
            }

            query = $"limit=3&after={next["after"]}&alias_after={next["alias_after"]}";
        }

        Assert.Null(whole["next"]);
        Assert.True(pages >= 3, $"{pages} pages");
        Assert.Equal(whole["audit"]!.AsArray().Select(e => e!["sequence"]!.GetValue<long>()), pagedAudit);
        Assert.Equal(whole["alias_events"]!.AsArray().Select(e => e!["id"]!.GetValue<long>()), pagedEvents);
        var cli = await server.CliAsync("history", "support-bot", "--limit", "2");
        Assert.Contains("More: switchback history support-bot --after ", cli.Stdout, StringComparison.Ordinal);
        var bad = await http.GetAsync("api/v1/deployments/support-bot/history?limit=0", TestContext.Current.CancellationToken);
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, bad.StatusCode);
        var badCursor = await http.GetAsync("api/v1/deployments/support-bot/history?alias_after=x", TestContext.Current.CancellationToken);
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, badCursor.StatusCode);
    }

    [Fact]
    public async Task Apply_ManifestWithBadField_ExitsOneNamingFileDocumentAndPathAndSendsNothing()
    {
        var bad = Manifests.Bundle(version: 1) + "---\n" + Manifests.Bundle(version: 2).Replace("temperature: 0.2", "temperature: hot", StringComparison.Ordinal);
        var file = dir.Write("broken.yaml", bad);

        var apply = await server.CliAsync("apply", "-f", file);

        Assert.True(apply.ExitCode == 1, apply.ToString());
        Assert.Contains("broken.yaml: document 1: serving.temperature", apply.Stderr);
        var deployments = await server.CliAsync("bundle", "list", "support-bot", "--output", "json");
        Assert.Equal(1, deployments.ExitCode);
        Assert.Contains("does not exist", deployments.Stderr);
    }

    [Fact]
    public async Task Apply_FileWithInvalidRollout_ExitsOneAndSendsNothing()
    {
        var file = dir.Write("mixed.yaml", Manifests.Bundle() + "---\nkind: Rollout\ndeployment: support-bot\ncandidate: 2\nstrategy: canary\nsteps:\n  - canary: { weight: 150 }\n");

        var apply = await server.CliAsync("apply", "-f", file);

        Assert.True(apply.ExitCode == 1, apply.ToString());
        Assert.Contains("steps[0].canary.weight", apply.Stderr);
        Assert.Equal(1, (await server.CliAsync("bundle", "list", "support-bot")).ExitCode);
    }

    [Fact]
    public async Task Apply_PlanThatMeasuresNothing_RefusedUnlessUnverified_ThenShownUnverifiedInStatusAndHistory()
    {
        var bare = "---\nkind: Rollout\ndeployment: support-bot\ncandidate: 2\nsteps:\n  - canary: { weight: 100 }\n";
        var refused = await server.CliAsync("apply", "-f", dir.Write("bare.yaml", Manifests.TwoVersions() + bare));
        Assert.True(refused.ExitCode == 1, refused.ToString());
        Assert.Contains("promotes without measuring anything", refused.Stderr, StringComparison.Ordinal);
        Assert.Contains("unverified: true", refused.Stderr, StringComparison.Ordinal);

        var apply = await server.CliAsync("apply", "-f", dir.Write("unverified.yaml", Manifests.TwoVersions() + bare.Replace("candidate: 2\n", "candidate: 2\nunverified: true\n", StringComparison.Ordinal)));
        Assert.True(apply.ExitCode == 0, apply.ToString());

        var status = await server.CliAsync("rollout", "status", "support-bot");
        var json = System.Text.Json.Nodes.JsonNode.Parse((await server.CliAsync("rollout", "status", "support-bot", "--output", "json")).Stdout)!;
        var history = await server.CliAsync("history", "support-bot", "--output", "json");
        Assert.Contains("UNVERIFIED", status.Stdout, StringComparison.Ordinal);
        Assert.True(json["unverified"]!.GetValue<bool>());
        Assert.Equal("promoted", json["phase"]!.GetValue<string>());
        Assert.Contains("unverified", json["reason_text"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Contains("\"unverified\":true", history.Stdout.Replace(" ", string.Empty, StringComparison.Ordinal), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Apply_FileWithBundlesAndRollout_RegistersThenStartsRolloutIdempotently()
    {
        var file = dir.Write("mixed.yaml", Manifests.TwoVersions() + "---\nkind: Rollout\ndeployment: support-bot\ncandidate: 2\nsteps:\n  - pause: {}\n  - canary: { weight: 100 }\n");

        var apply = await server.CliAsync("apply", "-f", file);
        var again = await server.CliAsync("apply", "-f", file);

        Assert.True(apply.ExitCode == 0, apply.ToString());
        Assert.Contains("rollout r-", apply.Stdout);
        Assert.True(again.ExitCode == 0, again.ToString());
        Assert.Contains("unchanged", again.Stdout);
    }

    private async Task<JsonArray> ListJsonAsync(string deployment)
    {
        var list = await server.CliAsync("bundle", "list", deployment, "--output", "json");
        Assert.True(list.ExitCode == 0, list.ToString());
        return JsonNode.Parse(list.Stdout)!["versions"]!.AsArray();
    }

    private async Task<int> AuditCountAsync()
    {
        using var http = server.CreateHttpClient();
        var body = JsonNode.Parse(await http.GetStringAsync("api/v1/audit"))!;
        return body["entries"]!.AsArray().Count;
    }
}
