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
        await Expect(page.Locator("#steps li[aria-current=step]")).ToHaveTextAsync("1. canary 50 % for 30s, at least 20 requests per arm");
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
        await Expect(page.Locator("#status")).ToContainTextAsync("3 API requests every 2 s (1.5/s)");
        await Browser.ScreenshotAsync(page, "deployment-after-rollback");

        var phone = await browser.SignInAsync(server, operatorKey, 390, 844);
        await phone.GotoAsync(server.Url + "/ui/#/d/svc");
        await Expect(phone.Locator("#routing-bar")).ToHaveTextAsync("stable v1 · 100 %");
        var overflow = await phone.EvaluateAsync<string>("""
            () => [...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)
                .filter(e => !e.closest('.card') || e.classList.contains('card')).map(e => e.tagName + '#' + e.id + '.' + e.className).join(', ')
            """);
        Assert.True(overflow.Length == 0, $"wider than a phone screen: {overflow}");
        Assert.True(await phone.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= window.innerWidth"), "the page scrolls sideways");
        await Browser.ScreenshotAsync(phone, "deployment-phone");
    }

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
