using Microsoft.Playwright;

namespace Switchback.FunctionalTests.Infrastructure;

/// <summary>
/// Headless Chromium from Debian's package (<c>/usr/bin/chromium</c>, installed by scripts/test.sh), driven by Playwright
/// for .NET. Playwright never downloads a browser here: the executable is given, and no install step runs.
/// </summary>
internal sealed class Browser : IAsyncDisposable
{
    public const string ChromiumPath = "/usr/bin/chromium";

    /// <summary>Generous, for two shared cores: page conditions are awaited up to this long.</summary>
    public static readonly float WaitMs = 60_000;

    private readonly IPlaywright playwright;

    private Browser(IPlaywright playwright, IBrowser chromium)
    {
        this.playwright = playwright;
        Chromium = chromium;
    }

    public IBrowser Chromium { get; }

    /// <summary>Where screenshots go: <c>SWITCHBACK_SCREENSHOTS</c>, else <c>artifacts/screenshots</c> under the repository.</summary>
    public static string ScreenshotDirectory
    {
        get
        {
            var dir = Environment.GetEnvironmentVariable("SWITCHBACK_SCREENSHOTS") is { Length: > 0 } set
                ? set
                : Path.Combine(RepositoryRoot(), "artifacts", "screenshots");
            Directory.CreateDirectory(dir);
            return dir;
        }
    }

    public static async Task<Browser> LaunchAsync()
    {
        Assert.True(File.Exists(ChromiumPath), $"{ChromiumPath} is missing: scripts/test.sh installs Debian's chromium package (apt-get install chromium).");
        Environment.SetEnvironmentVariable("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1");
        Assertions.SetDefaultExpectTimeout(WaitMs);
        var playwright = await Playwright.CreateAsync();
        try
        {
            var chromium = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
            {
                ExecutablePath = ChromiumPath,
                Headless = true,

                // Without the background-networking flags Chromium keeps calling Google's hosts, which this closed
                // network refuses; --no-sandbox because the tests run as root.
                Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
            });
            return new Browser(playwright, chromium);
        }
        catch
        {
            playwright.Dispose();
            throw;
        }
    }

    /// <summary>A fresh page (own session storage) of <paramref name="width"/>×<paramref name="height"/>.</summary>
    public async Task<IPage> NewPageAsync(int width = 1280, int height = 800)
    {
        var context = await Chromium.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = width, Height = height } });
        context.SetDefaultTimeout(WaitMs);
        return await context.NewPageAsync();
    }

    /// <summary>Opens <c>/ui/</c> of <paramref name="server"/> and signs in with <paramref name="key"/>.</summary>
    public async Task<IPage> SignInAsync(ServerProcess server, string key, int width = 1280, int height = 800)
    {
        var page = await NewPageAsync(width, height);
        await page.GotoAsync(server.Url + "/ui/");
        await page.FillAsync("#api-key", key);
        await page.ClickAsync("#signin button[type=submit]");
        await page.WaitForSelectorAsync("#deployments");
        return page;
    }

    public static Task ScreenshotAsync(IPage page, string name)
        => page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(ScreenshotDirectory, name + ".png"), FullPage = true });

    public async ValueTask DisposeAsync()
    {
        await Chromium.DisposeAsync();
        playwright.Dispose();
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Switchback.slnx")))
            {
                return dir.FullName;
            }
        }

        return Path.GetTempPath();
    }
}
