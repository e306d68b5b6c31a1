using System.Text.Json.Nodes;
using Switchback.FunctionalTests.Infrastructure;
using Switchback.FunctionalTests.Prometheus;

namespace Switchback.FunctionalTests.Operations;

/// <summary>
/// The installs that are not a source build (docs/operations.md): the .NET tool from the package `dotnet pack` makes, the
/// self-contained single file the Dockerfile publishes, the Dockerfile itself (statically: no Docker engine here) and the
/// systemd unit (systemd-analyze verify). Each install runs `switchback demo` end to end.
/// </summary>
public sealed class PackagingTests(PublishedBinary published) : IClassFixture<PublishedBinary>
{
#if DEBUG
    private const string Configuration = "Debug";
#else
    private const string Configuration = "Release";
#endif

    private static readonly TimeSpan DemoTimeout = TimeSpan.FromMinutes(3);

    [Fact]
    public async Task DotnetToolInstall_FromThePackedPackage_RunsTheDemo()
    {
        using var dir = new TempDir();
        var packages = dir.File("packages");

        // --no-build: the package holds the build the tests run against, not a second one.
        var pack = await RunDotnetAsync(Promtool.RepoRoot, "pack", Path.Combine("src", "Switchback.Cli", "Switchback.Cli.csproj"), "-c", Configuration, "--no-build", "-o", packages, "--nologo");
        Assert.True(pack.ExitCode == 0, pack.ToString());
        var package = Assert.Single(Directory.GetFiles(packages, "switchback.*.nupkg"));
        var version = Path.GetFileNameWithoutExtension(package)["switchback.".Length..];

        // A private package folder: the machine-wide one may hold an older switchback of the same version.
        var tools = dir.File("tools");
        var install = await RunDotnetAsync(dir.Path, new Dictionary<string, string?> { ["NUGET_PACKAGES"] = dir.File("nuget") },
            "tool", "install", "switchback", "--tool-path", tools, "--add-source", packages, "--version", version);
        Assert.True(install.ExitCode == 0, install.ToString());

        await AssertDemoRunsAsync(Path.Combine(tools, "switchback"), dir.Path);
    }

    [Fact]
    public async Task SelfContainedSingleFile_PublishedAsTheDockerfileDoes_IsOneFileAndRunsTheDemo()
    {
        Assert.Equal(["switchback"], Directory.GetFiles(published.Output).Select(Path.GetFileName));
        using var dir = new TempDir();

        // No dotnet on PATH and no DOTNET_ROOT: the binary carries its own runtime.
        await AssertDemoRunsAsync(published.Executable, dir.Path, new Dictionary<string, string?>
        {
            ["PATH"] = "/usr/bin:/bin",
            ["DOTNET_ROOT"] = null,
            ["DOTNET_HOST_PATH"] = null,
            ["DOTNET_BUNDLE_EXTRACT_BASE_DIR"] = dir.File("bundle"),
        });
    }

    [Fact]
    public async Task Dockerfile_MultiStageNonRootWithAHealthCheckOnTheServedPort()
    {
        var instructions = DockerfileBuild.Instructions(await File.ReadAllTextAsync(published.Dockerfile, TestContext.Current.CancellationToken));
        var build = DockerfileBuild.Parse(await File.ReadAllTextAsync(published.Dockerfile, TestContext.Current.CancellationToken));
        var final = instructions.SkipWhile(l => !l.StartsWith("FROM ", StringComparison.Ordinal)).Skip(1).SkipWhile(l => !l.StartsWith("FROM ", StringComparison.Ordinal)).ToList();

        Assert.Equal(2, instructions.Count(l => l.StartsWith("FROM ", StringComparison.Ordinal)));
        Assert.StartsWith("FROM mcr.microsoft.com/dotnet/runtime-deps:10.0", final[0]);
        Assert.Contains($"COPY --from=build {build.OutputDirectory}/switchback /usr/local/bin/switchback", final);
        Assert.Equal("USER $APP_UID", Assert.Single(final, l => l.StartsWith("USER ", StringComparison.Ordinal)));
        Assert.DoesNotContain(build.PublishArguments, a => a.Contains("PublishTrimmed", StringComparison.Ordinal) || a.Contains("PublishAot", StringComparison.Ordinal));
        var port = Assert.Single(final, l => l.StartsWith("EXPOSE ", StringComparison.Ordinal))["EXPOSE ".Length..];
        var health = Assert.Single(final, l => l.StartsWith("HEALTHCHECK ", StringComparison.Ordinal));
        Assert.Contains($"/dev/tcp/127.0.0.1/{port}", health);
        Assert.Contains("GET /healthz ", health);
        Assert.Contains($"\"--listen\", \"http://0.0.0.0:{port}\"", Assert.Single(final, l => l.StartsWith("CMD ", StringComparison.Ordinal)));
        foreach (var source in build.Copies.SelectMany(c => c.Sources))
        {
            Assert.True(Path.Exists(Path.Combine(Promtool.RepoRoot, source)), $"COPY names {source}, which the repository does not have");
        }

        // The health check's command is real: bash's /dev/tcp against a running server answers 0, against nothing 1.
        using var storeDir = new TempDir();
        using var server = await ServerProcess.StartAsync(storeDir.SqliteStore);
        var probe = health[(health.IndexOf("exec 3<>", StringComparison.Ordinal))..health.LastIndexOf('"')].Replace("\\\\", "\\", StringComparison.Ordinal);
        var serverPort = new Uri(server.Url).Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(0, await RunBashAsync(probe.Replace($"/{port} ", $"/{serverPort} ", StringComparison.Ordinal)));
        server.Kill();
        Assert.NotEqual(0, await RunBashAsync(probe.Replace($"/{port} ", $"/{serverPort} ", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task SystemdUnit_VerifiesWithSystemdAnalyzeWithoutAWarning()
    {
        using var dir = new TempDir();
        var unit = await File.ReadAllTextAsync(Path.Combine(Promtool.RepoRoot, "deploy", "switchback.service"), TestContext.Current.CancellationToken);
        Assert.Contains("ExecStart=/usr/local/bin/switchback serve ", unit);

        // verify checks that ExecStart's program exists: the published binary stands in for the installed one.
        var path = dir.Write("switchback.service", unit.Replace("/usr/local/bin/switchback", published.Executable, StringComparison.Ordinal));
        using var verify = ChildProcess.StartProgram("systemd-analyze", ["verify", path], new Dictionary<string, string?>(), dir.Path);
        var exit = await verify.WaitForExitAsync(TimeSpan.FromSeconds(60));

        Assert.True(exit == 0 && verify.Stdout.Trim().Length == 0 && verify.Stderr.Trim().Length == 0, $"exit {exit}\n{verify.Stdout}\n{verify.Stderr}");
    }

    private static async Task AssertDemoRunsAsync(string executable, string workingDirectory, IReadOnlyDictionary<string, string?>? environment = null)
    {
        using var demo = ChildProcess.StartProgram(executable, ["demo", "--output", "json"], environment ?? new Dictionary<string, string?>(), workingDirectory);
        var exit = await demo.WaitForExitAsync(DemoTimeout);

        Assert.True(exit == 0, $"exit {exit}\nstdout:\n{demo.Stdout}\nstderr:\n{demo.Stderr}");
        Assert.Contains("Demo complete", demo.Stderr);
        var summary = JsonNode.Parse(demo.Stdout)!;
        Assert.True(summary["ok"]!.GetValue<bool>());
        Assert.Equal(3, summary["facts"]!["promotion"]!["version"]!.GetValue<int>());
    }

    private static Task<CliResult> RunDotnetAsync(string workingDirectory, params string[] args) => RunDotnetAsync(workingDirectory, new Dictionary<string, string?>(), args);

    private static async Task<CliResult> RunDotnetAsync(string workingDirectory, IReadOnlyDictionary<string, string?> environment, params string[] args)
    {
        using var child = ChildProcess.StartProgram(ChildProcess.DotnetHost, args, environment, workingDirectory);
        var exit = await child.WaitForExitAsync(TimeSpan.FromMinutes(5));
        return new CliResult(exit, child.Stdout, child.Stderr);
    }

    private static async Task<int> RunBashAsync(string script)
    {
        using var bash = ChildProcess.StartProgram("bash", ["-c", script], new Dictionary<string, string?>(), Path.GetTempPath());
        return await bash.WaitForExitAsync(TimeSpan.FromSeconds(30));
    }
}
