using System.Globalization;
using System.Runtime.InteropServices;

namespace Switchback.Bench.Fleet;

/// <summary>The machine and software a run measured, and how busy the machine was, for the report.</summary>
internal static class MachineNote
{
    public static string LoadAverage()
        => File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "unknown";

    public static string Describe(string postgresVersion, string commit)
    {
        var cpu = Field("/proc/cpuinfo", "model name");
        var memory = Field("/proc/meminfo", "MemTotal") is { } kb && double.TryParse(kb.Split(' ')[0], CultureInfo.InvariantCulture, out var k)
            ? string.Create(CultureInfo.InvariantCulture, $"{k / 1048576:0.0} GiB memory")
            : "memory unknown";
        return string.Create(CultureInfo.InvariantCulture,
            $"{Environment.ProcessorCount} cores{(cpu is null ? "" : $" ({cpu})")}, {memory}, {RuntimeInformation.OSDescription}; ")
            + $"PostgreSQL {postgresVersion}, {RuntimeInformation.FrameworkDescription}, switchback {commit}; "
            + "the three replicas, three simulators, PostgreSQL and the load generator all share these cores";
    }

    private static string? Field(string path, string name)
    {
        if (!File.Exists(path))
        {
            return null;
        }

        var line = File.ReadLines(path).FirstOrDefault(l => l.StartsWith(name, StringComparison.Ordinal));
        return line?[(line.IndexOf(':', StringComparison.Ordinal) + 1)..].Trim();
    }
}
