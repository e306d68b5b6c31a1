using System.Net;
using Switchback.FunctionalTests.Infrastructure;

namespace Switchback.FunctionalTests;

public sealed class ServeTests : IDisposable
{
    private const string Announcement = "Created admin API key (shown once): ";
    private readonly TempDir dir = new();

    public void Dispose() => dir.Dispose();

    [Fact]
    public async Task Serve_WithoutAdminKeyEnv_PrintsKeyOnceThatWorks_RestartPrintsNone()
    {
        string key;
        using (var first = await ServerProcess.StartAsync(dir.SqliteStore, adminKey: null))
        {
            var line = first.Stdout.Split('\n').Single(l => l.StartsWith(Announcement, StringComparison.Ordinal));
            key = line[Announcement.Length..].Trim();
            Assert.StartsWith("sb_", key);
            var verify = await first.CliWithKeyAsync(key, "audit", "verify");
            Assert.True(verify.ExitCode == 0, verify.ToString());
            Assert.DoesNotContain(key, first.Stderr);
        }

        using var second = await ServerProcess.StartAsync(dir.SqliteStore, adminKey: null);
        Assert.DoesNotContain("Created admin API key", second.Stdout);
        var again = await second.CliWithKeyAsync(key, "key", "list");
        Assert.True(again.ExitCode == 0, again.ToString());
    }

    [Fact]
    public async Task Serve_WithAdminKeyEnv_DoesNotPrintTheKey()
    {
        using var server = await ServerProcess.StartAsync(dir.SqliteStore);

        Assert.DoesNotContain(ServerProcess.AdminKey, server.Stdout + server.Stderr);
        Assert.Contains("from SWITCHBACK_ADMIN_KEY", server.Stdout);
    }

    [Fact]
    public async Task Health_ServerRunning_AliveAndReady()
    {
        using var server = await ServerProcess.StartAsync(dir.SqliteStore);
        using var http = server.CreateHttpClient(apiKey: null);

        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("healthz", TestContext.Current.CancellationToken)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("readyz", TestContext.Current.CancellationToken)).StatusCode);
    }

    [Fact]
    public async Task Serve_Sigterm_StopsGracefullyWithExitZero()
    {
        var server = await ServerProcess.StartAsync(dir.SqliteStore);
        using (server)
        {
            using var kill = System.Diagnostics.Process.Start("kill", ["-TERM", server.Child.Process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
            await kill.WaitForExitAsync(TestContext.Current.CancellationToken);

            var exit = await server.Child.WaitForExitAsync(TimeSpan.FromSeconds(60));

            Assert.True(exit == 0, $"exit {exit}\n{server.Stderr}");
        }

        using var again = await ServerProcess.StartAsync(dir.SqliteStore);
        var verify = await again.CliAsync("audit", "verify");
        Assert.True(verify.ExitCode == 0, verify.ToString());
    }

    [Theory]
    [InlineData("--listen", "ftp://127.0.0.1:1", "not a URL")]
    [InlineData("--listen", "http://example.com:8800", "IP address or localhost")]
    [InlineData("--store", "mysql:whatever", "mysql")]
    public async Task Serve_BadOption_ExitsOneWithClearMessage(string option, string value, string expected)
    {
        var args = new List<string> { "serve", "--listen", "http://127.0.0.1:0", "--store", dir.SqliteStore };
        args[args.IndexOf(option) + 1] = value;

        using var child = ChildProcess.Start(args, new Dictionary<string, string?> { ["SWITCHBACK_ADMIN_KEY"] = ServerProcess.AdminKey });
        var exit = await child.WaitForExitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(1, exit);
        Assert.Contains(expected, child.Stderr);
    }

    [Fact]
    public async Task Serve_BadAuditHeadInterval_ExitsTwo()
    {
        using var child = ChildProcess.Start(
            ["serve", "--listen", "http://127.0.0.1:0", "--store", dir.SqliteStore, "--audit-head-interval", "soon"],
            new Dictionary<string, string?> { ["SWITCHBACK_ADMIN_KEY"] = ServerProcess.AdminKey });
        var exit = await child.WaitForExitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(2, exit);
        Assert.Contains("--audit-head-interval 'soon'", child.Stderr);
        Assert.False(File.Exists(dir.File("s.db")));
    }
}
