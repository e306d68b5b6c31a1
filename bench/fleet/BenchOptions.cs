using System.Globalization;

namespace Switchback.Bench.Fleet;

/// <summary>
/// What run.sh hands over: where the CLI and the throwaway PostgreSQL are, and the knobs (already checked there, checked
/// again here so the program can be run on its own). Defaults are the published configuration.
/// </summary>
internal sealed record BenchOptions
{
    public const string AllPhases = "rollback,detection,load";

    /// <summary>The Release switchback.dll the replicas and simulators run.</summary>
    public required string Dll { get; init; }

    /// <summary>Npgsql connection string of the fleet's database, as the replicas' user.</summary>
    public required string Postgres { get; init; }

    /// <summary>A superuser role other than the replicas' one, so the bench's own queries can be told apart in the statistics.</summary>
    public string MonitorUser { get; init; } = "bench_monitor";

    /// <summary>Directory for the children's logs and the list of their process ids (run.sh stops them if this program cannot).</summary>
    public required string Work { get; init; }

    public int Rollbacks { get; init; } = 60;

    /// <summary>Requests per second, all replicas together, while the rollbacks run.</summary>
    public int RollbackRate { get; init; } = 100;

    /// <summary>Detection trials per traffic mode.</summary>
    public int Trials { get; init; } = 5;

    /// <summary>Requests per second during a detection trial.</summary>
    public int Rate { get; init; } = 200;

    /// <summary>Requests per second, all replicas together, while the store's load is measured.</summary>
    public int LoadRate { get; init; } = 1000;

    public int LoadSeconds { get; init; } = 30;

    /// <summary>The Markdown file whose <c>## Fleet</c> section is rewritten; "-" prints the section instead.</summary>
    public string Doc { get; init; } = "-";

    public IReadOnlySet<string> Phases { get; init; } = new HashSet<string>(AllPhases.Split(','));

    /// <summary>The short commit of the measured source, for the report.</summary>
    public string Commit { get; init; } = "unknown";

    public bool Runs(string phase) => Phases.Contains(phase);

    public static BenchOptions Parse(string[] args)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < args.Length; i++)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal) || i + 1 >= args.Length)
            {
                throw new ArgumentException($"expected --name value pairs, got '{args[i]}'");
            }

            values[args[i][2..]] = args[++i];
        }

        var options = new BenchOptions
        {
            Dll = Take(values, "dll") ?? throw new ArgumentException("--dll PATH (the Release switchback.dll) is required"),
            Postgres = Take(values, "postgres") ?? throw new ArgumentException("--postgres CONNECTION-STRING is required"),
            Work = Take(values, "work") ?? throw new ArgumentException("--work DIR is required"),
            Rollbacks = Positive(values, "rollbacks", "BENCH_ROLLBACKS", 60),
            RollbackRate = Positive(values, "rollback-rate", "BENCH_ROLLBACK_RATE", 100),
            Trials = Positive(values, "trials", "BENCH_TRIALS", 5),
            Rate = Positive(values, "rate", "BENCH_RATE", 200),
            LoadRate = Positive(values, "load-rate", "BENCH_LOAD_RATE", 1000),
            LoadSeconds = Positive(values, "load-seconds", "BENCH_LOAD_SECONDS", 30),
            Doc = Take(values, "doc") ?? "-",
            Phases = PhaseSet(Take(values, "only")),
            Commit = Take(values, "commit") ?? "unknown",
        };
        if (values.Count > 0)
        {
            throw new ArgumentException($"unknown argument --{values.Keys.First()}");
        }

        return options;
    }

    private static string? Take(Dictionary<string, string> values, string name)
        => values.Remove(name, out var value) ? value : null;

    private static int Positive(Dictionary<string, string> values, string name, string knob, int fallback)
    {
        if (Take(values, name) is not { } text)
        {
            return fallback;
        }

        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n is > 0 and <= 1_000_000
            ? n
            : throw new ArgumentException($"{knob} (--{name}) takes a positive whole number, got '{text}'");
    }

    private static HashSet<string> PhaseSet(string? only)
    {
        var all = AllPhases.Split(',');
        if (string.IsNullOrWhiteSpace(only))
        {
            return [.. all];
        }

        var chosen = only.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).ToHashSet(StringComparer.Ordinal);
        if (chosen.Count == 0 || chosen.Any(p => !all.Contains(p)))
        {
            throw new ArgumentException($"BENCH_ONLY (--only) takes a comma-separated list of {AllPhases}, got '{only}'");
        }

        return chosen;
    }
}
