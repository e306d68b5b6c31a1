namespace Switchback.FunctionalTests.Infrastructure;

/// <summary>What one CLI run printed and returned.</summary>
internal sealed record CliResult(int ExitCode, string Stdout, string Stderr)
{
    public string All => Stdout + Stderr;

    public override string ToString() => $"exit {ExitCode}\nstdout:\n{Stdout}\nstderr:\n{Stderr}";
}

/// <summary>Runs the real CLI as a child process.</summary>
internal static class CliRunner
{
    public static async Task<CliResult> RunAsync(string? url, string? apiKey, params string[] args)
    {
        var env = new Dictionary<string, string?>();
        if (url is not null)
        {
            env["SWITCHBACK_URL"] = url;
        }

        if (apiKey is not null)
        {
            env["SWITCHBACK_API_KEY"] = apiKey;
        }

        using var child = ChildProcess.Start(args, env);
        var exit = await child.WaitForExitAsync(TimeSpan.FromSeconds(90));
        return new CliResult(exit, child.Stdout, child.Stderr);
    }
}
