using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Playwright;
using Switchback.FunctionalTests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Switchback.FunctionalTests.Dashboard;

/// <summary>
/// The console at <c>/ui/</c> in headless Chromium against real server and simulator processes with real rollouts
/// (docs/ui.md). Screenshots land in <see cref="Browser.ScreenshotDirectory"/>.
/// </summary>
public sealed class DashboardBrowserTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Console_ViewerWatchesFlakyCanary_ShowsRolledBackWithoutReloadAndActionRefused()
    {
        using var svc = await SvcOnSims.StartAsync("flaky", "--error-rate", "0.4");
        var (dir, server) = (svc.Dir, svc.Server);
        var viewerKey = await CreateKeyAsync(server, "viewer", "watcher");
        var start = await server.CliAsync("rollout", "start", "svc", "-f", dir.Write("rollout.yaml", Manifests.Canary()));
        Assert.True(start.ExitCode == 0, start.ToString());
        await using var browser = await Browser.LaunchAsync();

        var page = await browser.NewPageAsync();
        await page.GotoAsync(server.Url + "/ui/");
        await page.FillAsync("#api-key", "sb_not_a_real_key_0000000000000000");
        await page.ClickAsync("#signin button[type=submit]");
        await Expect(page.Locator("#signin-error")).ToContainTextAsync("not valid");
        await page.FillAsync("#api-key", viewerKey);
        await page.ClickAsync("#signin button[type=submit]");
        await Expect(page.Locator("tr[data-deployment=svc] .phase")).ToHaveTextAsync("progressing");
        await Expect(page.Locator("#who")).ToHaveTextAsync("watcher (viewer)");
        await page.ClickAsync("a[href='#/d/svc']");
        await Expect(page.Locator("#phase")).ToHaveTextAsync("progressing");
        await page.SelectOptionAsync("#signals-window", "2m");
        await Expect(page.Locator("#steps li[aria-current=step] .step-text")).ToHaveTextAsync("1. canary 50 % for 30s, at least 20 requests per arm");
        await Expect(page.Locator("#steps li[aria-current=step] time")).ToContainTextAsync("started");
        foreach (var button in new[] { "#btn-promote", "#btn-pause", "#btn-resume", "#btn-abort", "#btn-rollback" })
        {
            await Expect(page.Locator(button)).ToBeDisabledAsync();
        }

        await Expect(page.Locator("#role-note")).ToContainTextAsync("actions need operator");
        await page.EvaluateAsync("() => { window.notReloaded = true; }");

        using var http = server.CreateHttpClient();
        var finished = await Svc.DriveUntilFinishedAsync(http, TimeSpan.FromSeconds(60));
        Assert.Equal("rolled_back", finished["phase"]!.GetValue<string>());

        await Expect(page.Locator("#phase")).ToHaveTextAsync("rolled back");
        Assert.True(await page.EvaluateAsync<bool>("() => window.notReloaded === true"), "the page was reloaded");
        await Expect(page.Locator("#routing-bar")).ToHaveTextAsync("stable v1 · 100 %");
        await Expect(page.Locator("tr[data-guardrail='error_rate:compare'] .breached-text")).ToHaveTextAsync("breached");
        await Expect(page.Locator("tr[data-guardrail='error_rate:compare'] .summary")).ToContainTextAsync("e-value");
        await Expect(page.Locator("#decisions")).ToContainTextAsync("rolled back");
        await Expect(page.Locator("#last-rollback")).ToContainTextAsync("Rolled back (error_rate:compare) to v1: routing switched in");
        Assert.DoesNotContain(viewerKey, page.Url, StringComparison.Ordinal);
        await Browser.ScreenshotAsync(page, "deployment-rolled-back");

        // The charts were drawn from the series API with this rollout's traffic: both versions' requests and error rates,
        // and the guardrail's e-value over time (log scale) against its threshold, with the evidence in words.
        await Expect(page.Locator("svg[data-chart=requests] path[data-series=v1]")).ToHaveCountAsync(1);
        await Expect(page.Locator("svg[data-chart=requests] path[data-series=v2]")).ToHaveCountAsync(1);
        await Expect(page.Locator("svg[data-chart=error_rate] path[data-series=v2]")).ToHaveCountAsync(1);
        await Expect(page.Locator("svg[data-chart=latency] path[data-series='v1 p95']")).ToHaveCountAsync(1);
        await Expect(page.Locator("#signals-note")).ToContainTextAsync("this server's traffic");
        var evidence = page.Locator("figure[data-evidence='error_rate:compare']");
        await Expect(evidence.Locator("svg .threshold")).ToHaveCountAsync(1);
        Assert.True(int.Parse(await evidence.Locator("path[data-series=e-value]").GetAttributeAsync("data-points") ?? "0", System.Globalization.CultureInfo.InvariantCulture) >= 2, "the e-value has fewer than two points");
        await Expect(evidence.Locator(".evidence-words")).ToContainTextAsync("Reached its threshold");

        // A page opened after the rollback has seen no status before it: with only the decisions' evidence it would draw 2
        // points (the start at 1 and the breach); the controller's stored series gives the curve in between.
        var late = await browser.NewPageAsync();
        await late.GotoAsync(server.Url + "/ui/");
        await late.FillAsync("#api-key", viewerKey);
        await late.ClickAsync("#signin button[type=submit]");
        await late.ClickAsync("a[href='#/d/svc']");
        var lateCurve = late.Locator("figure[data-evidence='error_rate:compare'] path[data-series=e-value]");
        await Expect(lateCurve).ToHaveCountAsync(1);
        var drawn = 0;
        for (var until = DateTimeOffset.UtcNow.AddSeconds(10); drawn <= 2 && DateTimeOffset.UtcNow < until; await Task.Delay(250, Ct))
        {
            drawn = int.Parse(await lateCurve.GetAttributeAsync("data-points") ?? "0", System.Globalization.CultureInfo.InvariantCulture);
        }

        Assert.True(drawn > 2, $"a page opened after the rollback draws the e-value with {drawn} points");
        await Browser.ScreenshotAsync(late, "evidence-after-rollback");
        await late.CloseAsync();
        await Expect(page.Locator("#steps li.ended .step-end")).ToHaveTextAsync("rolled back here");
        await Expect(page.Locator("#alerts")).ToContainTextAsync("No alert receivers");
        var errorChart = await page.Locator("figure[data-figure=error_rate]").InnerTextAsync();
        Assert.Contains("v2", errorChart, StringComparison.Ordinal);
        await Browser.ScreenshotAsync(page, "deployment-charts");
        await AssertNoSidewaysScrollAsync(page);

        // Versions: a third version with lineage, its details, and the bundle diff against stable.
        var v3 = Manifests.Bundle("svc", 3, 0.5, "http://127.0.0.1:9/v1").Replace("labels:", "lineage: { git_commit: 4f1c2e9, data: \"dvc:md5:0c1d\", run: \"mlflow:7a3b\" }\nlabels:", StringComparison.Ordinal);
        var applied = await server.CliAsync("apply", "-f", dir.Write("v3.yaml", v3));
        Assert.True(applied.ExitCode == 0, applied.ToString());
        await page.ClickAsync("#tab-versions");
        await Expect(page.Locator("#version-list tr[data-version='3']")).ToHaveCountAsync(1);
        await Expect(page.Locator("#diff-table")).ToContainTextAsync("serving.temperature");
        await Expect(page.Locator("#diff-table")).ToContainTextAsync("0.5");
        await page.ClickAsync("#version-list tr[data-version='3']");
        await Expect(page.Locator("#version-detail h2")).ToHaveTextAsync("svc@3");
        await Expect(page.Locator("#lineage")).ToContainTextAsync("mlflow:7a3b");
        await Expect(page.Locator("#version-digest")).ToContainTextAsync("sha256:");
        await Expect(page.Locator("#evals")).ToContainTextAsync("No eval reports");
        await page.SelectOptionAsync("#diff-from", "2");
        await page.SelectOptionAsync("#diff-to", "2");
        await page.ClickAsync("#diff-run");
        await Expect(page.Locator("#diff-identical")).ToContainTextAsync("Identical");
        await page.SelectOptionAsync("#diff-from", "1");
        await page.SelectOptionAsync("#diff-to", "3");
        await page.ClickAsync("#diff-run");
        await Expect(page.Locator("#diff-table")).ToContainTextAsync("lineage");
        await Browser.ScreenshotAsync(page, "versions-diff");

        // History and audit: the rollout's audited changes and the chain's verdict.
        await page.ClickAsync("#tab-history");
        await Expect(page.Locator("#audit-verdict")).ToContainTextAsync("Verified: the hash chain of all");
        await Expect(page.Locator("#history")).ToContainTextAsync("rollout.rolled_back");
        await Expect(page.Locator("#history-prev")).ToBeDisabledAsync();
        await Browser.ScreenshotAsync(page, "history");
        await page.ClickAsync("#tab-overview");
        await Expect(page.Locator("#phase")).ToHaveTextAsync("rolled back");

        // The buttons are only a courtesy: a viewer who re-enables one is refused by the API, and nothing changes.
        var generation = (await Svc.RoutingAsync(http))["generation"]!.GetValue<long>();
        await page.EvalOnSelectorAsync("#btn-rollback", "b => { b.disabled = false; }");
        await page.ClickAsync("#btn-rollback");
        await page.FillAsync("#confirm-reason", "viewer tries");
        await page.ClickAsync("#confirm-ok");
        await Expect(page.Locator("#action-result")).ToContainTextAsync("Refused (403 insufficient_role)");
        Assert.Equal(generation, (await Svc.RoutingAsync(http))["generation"]!.GetValue<long>());
        await Browser.ScreenshotAsync(page, "viewer-refused");
    }

    [Fact]
    public async Task Console_OperatorRollsBackPromotedVersion_ReasonRequiredAndRoutingChanges()
    {
        using var svc = await SvcOnSims.StartAsync("healthy", "--seed", "2");
        var (dir, server) = (svc.Dir, svc.Server);
        var apply = await server.CliAsync("apply", "-f", dir.Write("rollout.yaml", Manifests.Canary(duration: "4s")));
        Assert.True(apply.ExitCode == 0, apply.ToString());
        using var http = server.CreateHttpClient();
        Assert.Equal("promoted", (await Svc.DriveUntilFinishedAsync(http, TimeSpan.FromSeconds(60)))["phase"]!.GetValue<string>());
        var operatorKey = await CreateKeyAsync(server, "operator", "oncall");
        await using var browser = await Browser.LaunchAsync();

        var page = await browser.SignInAsync(server, operatorKey);
        await Expect(page.Locator("tr[data-deployment=svc] .phase")).ToHaveTextAsync("promoted");
        await Expect(page.Locator("tr[data-deployment=svc] .recent-line[data-version='2']")).ToContainTextAsync("errors · p95");
        await Expect(page.Locator("tr[data-deployment=svc] .health")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex("^(healthy|degraded|unhealthy|unknown)"));
        await Browser.ScreenshotAsync(page, "deployments");
        var load = await page.EvaluateAsync<FirstLoad>("""
            () => { const n = performance.getEntriesByType('navigation')[0];
                    const all = [n, ...performance.getEntriesByType('resource').filter(r => r.name.includes('/ui/'))];
                    return { ms: n.domContentLoadedEventEnd, bytes: all.reduce((s, r) => s + r.transferSize, 0) }; }
            """);
        TestContext.Current.TestOutputHelper?.WriteLine($"first load: DOMContentLoaded after {load.Ms:F0} ms, {load.Bytes} bytes transferred for the page and its assets");
        Assert.InRange(load.Bytes, 1, 40_000);
        await page.ClickAsync("a[href='#/d/svc']");
        await Expect(page.Locator("#routing-bar")).ToHaveTextAsync("stable v2 · 100 %");
        await Expect(page.Locator("#btn-rollback")).ToBeEnabledAsync();
        await page.ClickAsync("#btn-rollback");
        await Expect(page.Locator("#confirm-ok")).ToBeDisabledAsync();
        await page.FillAsync("#confirm-reason", "v2 answers in the wrong language");
        await page.ClickAsync("#confirm-ok");

        await Expect(page.Locator("#action-result")).ToContainTextAsync("Rolled back svc from v2 to v1: the gateway routed by it after");
        await Expect(page.Locator("#routing-bar")).ToHaveTextAsync("stable v1 · 100 %");
        Assert.Equal(1, (await Svc.RoutingAsync(http))["stable"]!.GetValue<int>());
        var audit = await http.GetFromJsonAsync<JsonNode>("api/v1/audit", Ct);
        Assert.Contains(audit!["entries"]!.AsArray(), e => e!["actor"]?.GetValue<string>() == "oncall" && e["reason"]?.GetValue<string>()?.Contains("v2 answers in the wrong language", StringComparison.Ordinal) == true);
        await Expect(page.Locator("#status")).ToContainTextAsync("4 API requests every 2 s (2.0/s)");
        await Browser.ScreenshotAsync(page, "deployment-after-rollback");

        var phone = await browser.SignInAsync(server, operatorKey, 390, 844);
        await phone.GotoAsync(server.Url + "/ui/#/d/svc");
        await Expect(phone.Locator("#routing-bar")).ToHaveTextAsync("stable v1 · 100 %");
        var overflow = await phone.EvaluateAsync<string>("""
            () => [...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)
                .filter(e => !e.closest('.card') || e.classList.contains('card')).map(e => e.tagName + '#' + e.id + '.' + e.className).join(', ')
            """);
        Assert.True(overflow.Length == 0, $"wider than a phone screen: {overflow}");
        await AssertNoSidewaysScrollAsync(phone);
        await Expect(phone.Locator("svg[data-chart=requests]")).ToHaveCountAsync(1);
        await Browser.ScreenshotAsync(phone, "deployment-phone");

        // A drill, then every other page at phone width: drills with their timings and the rendered runbook.
        using (var drill = await http.PostAsJsonAsync("api/v1/deployments/svc/drills", new { dry_run = true, reason = "console test" }, Ct))
        {
            Assert.True(drill.IsSuccessStatusCode, await drill.Content.ReadAsStringAsync(Ct));
        }

        await phone.ClickAsync("#tab-ops");
        try
        {
            await Expect(phone.Locator("#drills .drill")).ToHaveCountAsync(1, new() { Timeout = 10_000 });
        }
        catch (PlaywrightException e)
        {
            throw new InvalidOperationException("no drill on the page: " + await phone.InnerTextAsync("body"), e);
        }

        await Expect(phone.Locator("#drills .drill")).ToContainTextAsync("(dry run)");
        await Expect(phone.Locator("#drills .drill-steps tbody tr").First).ToContainTextAsync("ms");
        await Expect(phone.Locator("#runbook h2").First).ToBeVisibleAsync();
        await Expect(phone.Locator("#runbook")).ToContainTextAsync("svc");
        await AssertNoSidewaysScrollAsync(phone);
        await Browser.ScreenshotAsync(phone, "drills-runbook-phone");
        foreach (var tab in new[] { "#tab-versions", "#tab-history" })
        {
            await phone.ClickAsync(tab);
            await Expect(phone.Locator(tab)).ToHaveAttributeAsync("aria-current", "page");
            await phone.WaitForLoadStateAsync(LoadState.NetworkIdle);
            await AssertNoSidewaysScrollAsync(phone);
        }
    }

    private static async Task AssertNoSidewaysScrollAsync(IPage page)
        => Assert.True(
            await page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= window.innerWidth"),
            $"{page.Url} scrolls sideways at {page.ViewportSize?.Width} px: " + await page.EvaluateAsync<string>(
                "() => [...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > window.innerWidth + 1).slice(0, 5).map(e => e.tagName + '#' + e.id + '.' + e.className).join(', ')"));

    private sealed class FirstLoad
    {
        public double Ms { get; set; }

        public long Bytes { get; set; }
    }

    private static async Task<string> CreateKeyAsync(ServerProcess server, string role, string name)
    {
        var created = await server.CliAsync("key", "create", "--role", role, "--name", name, "--output", "json");
        Assert.True(created.ExitCode == 0, created.ToString());
        return JsonNode.Parse(created.Stdout)!["key"]!.GetValue<string>();
    }
}
