using Switchback.FunctionalTests.Infrastructure;
using Switchback.FunctionalTests.Prometheus;

namespace Switchback.FunctionalTests.Operations;

/// <summary>
/// The self-contained single-file binary, published once per test run exactly as deploy/Dockerfile's build stage does it:
/// its COPY lines' files copied to a fresh folder (so the repository's own bin/ and obj/ are untouched), then its
/// <c>dotnet publish</c> line run there. The first run on a machine also restores the linux-x64 runtime packs.
/// </summary>
public sealed class PublishedBinary : IAsyncLifetime
{
    private readonly TempDir dir = new();

    public string Dockerfile { get; } = Path.Combine(Promtool.RepoRoot, "deploy", "Dockerfile");

    /// <summary>The folder the publish wrote to.</summary>
    public string Output => dir.File("out");

    /// <summary>The published executable.</summary>
    public string Executable => Path.Combine(Output, "switchback");

    /// <summary>How long the publish took.</summary>
    public TimeSpan Took { get; private set; }

    public async ValueTask InitializeAsync()
    {
        var build = DockerfileBuild.Parse(await File.ReadAllTextAsync(Dockerfile));
        var context = dir.File("src");
        build.CopyContext(Promtool.RepoRoot, context);
        var started = System.Diagnostics.Stopwatch.StartNew();
        using var publish = ChildProcess.StartProgram(ChildProcess.DotnetHost, build.PublishArgumentsTo(Output).Append("--nologo"), new Dictionary<string, string?>(), context);
        var exit = await publish.WaitForExitAsync(TimeSpan.FromMinutes(15));
        Took = started.Elapsed;
        if (exit != 0)
        {
            throw new InvalidOperationException($"the Dockerfile's dotnet publish failed (exit {exit}):\n{publish.Stdout}\n{publish.Stderr}");
        }
    }

    public ValueTask DisposeAsync()
    {
        dir.Dispose();
        return ValueTask.CompletedTask;
    }
}
