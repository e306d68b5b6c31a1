using System.Diagnostics;
using System.Globalization;

namespace Switchback.Bench.Fleet;

/// <summary>
/// One <c>dotnet switchback.dll …</c> process: output to a log file in the work directory, its id appended to
/// <c>pids</c> there so run.sh can stop it even if this program dies first. Killed on dispose.
/// </summary>
internal sealed class Child : IDisposable
{
    private readonly Process process;
    private readonly StreamWriter log;
    private readonly Lock gate = new();
    private readonly List<(string Prefix, TaskCompletionSource<string> Found)> waiters = [];
    private bool closed;

    private Child(Process process, StreamWriter log)
    {
        this.process = process;
        this.log = log;
    }

    public string Name { get; private init; } = "";

    public string LogPath { get; private init; } = "";

    public static Child Start(string name, BenchOptions options, IReadOnlyList<string> args, IReadOnlyDictionary<string, string>? environment = null)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(options.Dll);
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        // A developer's own settings must not leak into the measured servers.
        foreach (var key in info.Environment.Keys.Where(k => k.StartsWith("SWITCHBACK_", StringComparison.Ordinal)).ToList())
        {
            info.Environment.Remove(key);
        }

        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[key] = value;
        }

        var path = Path.Combine(options.Work, name + ".log");
        var child = new Child(new Process { StartInfo = info, EnableRaisingEvents = true }, new StreamWriter(path) { AutoFlush = true })
        {
            Name = name,
            LogPath = path,
        };
        child.process.OutputDataReceived += (_, e) => child.OnLine(e.Data, "");
        child.process.ErrorDataReceived += (_, e) => child.OnLine(e.Data, "stderr: ");
        child.process.Start();
        File.AppendAllText(Path.Combine(options.Work, "pids"), child.process.Id.ToString(CultureInfo.InvariantCulture) + "\n");
        child.process.BeginOutputReadLine();
        child.process.BeginErrorReadLine();
        return child;
    }

    /// <summary>The first stdout line containing <paramref name="marker"/>; fails when the process exits first or the time runs out.</summary>
    public async Task<string> WaitForLineAsync(string marker, TimeSpan timeout)
    {
        var found = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (gate)
        {
            waiters.Add((marker, found));
        }

        var first = await Task.WhenAny(found.Task, process.WaitForExitAsync(), Task.Delay(timeout));
        return first == found.Task
            ? await found.Task
            : throw new InvalidOperationException($"{Name} {(process.HasExited ? "exited" : "was still silent")} before printing '{marker}'; see {LogPath}");
    }

    public void Dispose()
    {
        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                process.WaitForExit(5000);
            }
        }
        catch (InvalidOperationException)
        {
            // Already reaped.
        }

        process.Dispose();
        lock (gate)
        {
            closed = true;
            log.Dispose();
        }
    }

    private void OnLine(string? line, string prefix)
    {
        if (line is null)
        {
            return;
        }

        lock (gate)
        {
            if (closed)
            {
                return;
            }

            log.WriteLine(prefix + line);
            if (prefix.Length > 0)
            {
                return;
            }

            foreach (var waiter in waiters.Where(w => line.Contains(w.Prefix, StringComparison.Ordinal)).ToList())
            {
                waiters.Remove(waiter);
                waiter.Found.TrySetResult(line);
            }
        }
    }
}
