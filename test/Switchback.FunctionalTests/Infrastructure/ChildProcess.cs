using System.Diagnostics;
using System.Text;

namespace Switchback.FunctionalTests.Infrastructure;

/// <summary>A real <c>dotnet switchback.dll ...</c> child process with its stdout and stderr captured line by line.</summary>
internal sealed class ChildProcess : IDisposable
{
    private readonly StringBuilder stdout = new();
    private readonly StringBuilder stderr = new();
    private readonly Lock gate = new();
    private readonly List<(string Prefix, TaskCompletionSource<string> Found)> waiters = [];

    private ChildProcess(Process process) => Process = process;

    public Process Process { get; }

    public string Stdout
    {
        get
        {
            lock (gate)
            {
                return stdout.ToString();
            }
        }
    }

    public string Stderr
    {
        get
        {
            lock (gate)
            {
                return stderr.ToString();
            }
        }
    }

    /// <summary>The dotnet host that runs the tests, so children use the same runtime.</summary>
    public static string DotnetHost => Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet";

    /// <summary>The CLI assembly copied next to the tests by the project reference.</summary>
    public static string CliDll => Path.Combine(AppContext.BaseDirectory, "switchback.dll");

    /// <summary>Starts the CLI with <paramref name="args"/>; SWITCHBACK_* variables of the test runner are not inherited.</summary>
    public static ChildProcess Start(IEnumerable<string> args, IReadOnlyDictionary<string, string?> environment)
        => StartProgram(DotnetHost, [CliDll, .. args], environment, AppContext.BaseDirectory);

    /// <summary>Starts <paramref name="program"/> (an installed or published <c>switchback</c>, or <c>dotnet</c> itself) the same way.</summary>
    public static ChildProcess StartProgram(string program, IEnumerable<string> args, IReadOnlyDictionary<string, string?> environment, string workingDirectory)
    {
        var info = new ProcessStartInfo(program)
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

        foreach (var name in info.Environment.Keys.Where(k => k.StartsWith("SWITCHBACK_", StringComparison.Ordinal)).ToList())
        {
            info.Environment.Remove(name);
        }

        foreach (var (name, value) in environment)
        {
            info.Environment[name] = value;
        }

        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        var child = new ChildProcess(process);
        process.OutputDataReceived += (_, e) => child.OnLine(e.Data, isError: false);
        process.ErrorDataReceived += (_, e) => child.OnLine(e.Data, isError: true);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return child;
    }

    /// <summary>Waits for the first stdout line starting with <paramref name="prefix"/>; fails if the process exits first.</summary>
    public async Task<string> WaitForLineAsync(string prefix, TimeSpan timeout)
    {
        var found = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (gate)
        {
            var existing = stdout.ToString().Split('\n').FirstOrDefault(l => l.StartsWith(prefix, StringComparison.Ordinal));
            if (existing is not null)
            {
                return existing.TrimEnd('\r');
            }

            waiters.Add((prefix, found));
        }

        var exited = Process.WaitForExitAsync();
        var first = await Task.WhenAny(found.Task, exited).WaitAsync(timeout);
        if (first != found.Task)
        {
            throw new InvalidOperationException($"the process exited with {Process.ExitCode} before printing '{prefix}'.\nstdout:\n{Stdout}\nstderr:\n{Stderr}");
        }

        return await found.Task;
    }

    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        try
        {
            await Process.WaitForExitAsync().WaitAsync(timeout);
        }
        catch (TimeoutException)
        {
            Kill();
            throw new TimeoutException($"the process did not exit within {timeout}.\nstdout:\n{Stdout}\nstderr:\n{Stderr}");
        }

        // The parameterless wait also drains the redirected streams.
        Process.WaitForExit();
        return Process.ExitCode;
    }

    /// <summary>Kills the process at once (SIGKILL on Unix) and waits until it is gone.</summary>
    public void Kill()
    {
        try
        {
            if (!Process.HasExited)
            {
                Process.Kill(entireProcessTree: true);
            }

            Process.WaitForExit();
        }
        catch (InvalidOperationException)
        {
            // Never started or already reaped.
        }
    }

    /// <summary>Sends <paramref name="signal"/> (for example <c>STOP</c> or <c>CONT</c>) to the process, as <c>kill -SIGNAL</c> does.</summary>
    public void Signal(string signal) => Assert.True(SendSignal(signal), $"kill -{signal} failed");

    private bool SendSignal(string signal)
    {
        using var kill = System.Diagnostics.Process.Start("kill", ["-" + signal, Process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])!;
        kill.WaitForExit();
        return kill.ExitCode == 0;
    }

    public void Dispose()
    {
        Kill();
        Process.Dispose();
    }

    private void OnLine(string? line, bool isError)
    {
        if (line is null)
        {
            return;
        }

        lock (gate)
        {
            (isError ? stderr : stdout).Append(line).Append('\n');
            if (isError)
            {
                return;
            }

            foreach (var waiter in waiters.Where(w => line.StartsWith(w.Prefix, StringComparison.Ordinal)).ToList())
            {
                waiters.Remove(waiter);
                waiter.Found.TrySetResult(line);
            }
        }
    }
}
