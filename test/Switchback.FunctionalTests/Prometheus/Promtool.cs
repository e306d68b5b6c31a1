using System.Diagnostics;

namespace Switchback.FunctionalTests.Prometheus;

/// <summary>Runs Debian's <c>promtool</c> and the repository files it checks.</summary>
internal static class Promtool
{
    public const string Binary = "/usr/bin/promtool";

    /// <summary>The repository's root (the directory holding Switchback.slnx), found upwards from the test binaries.</summary>
    public static string RepoRoot { get; } = FindRoot();

    /// <summary>Runs promtool with <paramref name="args"/> in <paramref name="workingDirectory"/>, <paramref name="stdin"/> on its input.</summary>
    public static async Task<(int ExitCode, string Output)> RunAsync(string workingDirectory, string? stdin, params string[] args)
    {
        var info = new ProcessStartInfo(Binary)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory,
        };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (stdin is not null)
        {
            await process.StandardInput.WriteAsync(stdin);
        }

        process.StandardInput.Close();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
        return (process.ExitCode, (await stdout) + (await stderr));
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Switchback.slnx")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Switchback.slnx not found above " + AppContext.BaseDirectory);
    }
}
