using System.Globalization;
using Switchback.Core.Analysis;

namespace Switchback.Bench.Detection;

/// <summary>Command-line settings of the study; defaults are the published configuration.</summary>
internal sealed record StudyOptions(int RegressionRuns, int AaRuns, bool Write, string OutputPath, IReadOnlyList<CountTestOptions> ExtraGrids)
{
    public const double Alpha = 0.01;

    /// <summary>Run the clustered-traffic study (<c>--clustered</c>) instead of the independent-requests one.</summary>
    public bool Clustered { get; init; }

    /// <summary>Run the drift-monitor study (<c>--monitor</c>): false-alarm run length and detection delay of <c>kind: Monitor</c>.</summary>
    public bool Monitor { get; init; }

    public static StudyOptions Parse(string[] args)
    {
        int? regressionRuns = null, aaRuns = null;
        var write = true;
        var clustered = false;
        var monitor = false;
        string? output = null;
        var grids = new List<CountTestOptions>();
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--runs":
                    regressionRuns = PositiveInt(args, ++i);
                    break;
                case "--aa-runs":
                    aaRuns = PositiveInt(args, ++i);
                    break;
                case "--grid":
                    grids.Add(Grid(args, ++i));
                    break;
                case "--clustered":
                    clustered = true;
                    break;
                case "--monitor":
                    monitor = true;
                    break;
                case "--no-write":
                    write = false;
                    break;
                case "--out":
                    output = i + 1 < args.Length ? args[++i] : throw new ArgumentException("--out needs a path");
                    break;
                default:
                    throw new ArgumentException($"unknown argument '{args[i]}' (expected --runs N, --aa-runs N, --grid SMALLEST,LARGEST,SIZE, --out PATH, --no-write, --clustered, --monitor)");
            }
        }

        // The clustered study runs each rollout through the production code path, so its defaults are smaller; 600 A/A runs
        // is enough for the exact upper 95 % bound to fall below alpha 0.01 with up to 7 false rollbacks (600 allow one).
        return new StudyOptions(regressionRuns ?? (clustered ? 100 : 200), aaRuns ?? (clustered ? 1500 : 1000), write, output ?? DefaultOutput(), grids)
        {
            Clustered = clustered,
            Monitor = monitor,
        };
    }

    private static int PositiveInt(string[] args, int i) =>
        i < args.Length && int.TryParse(args[i], NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0
            ? n
            : throw new ArgumentException($"{args[i - 1]} needs a positive whole number");

    /// <summary>An extra Switchback prior to run side by side, e.g. <c>--grid 1.1,16,16</c>.</summary>
    private static CountTestOptions Grid(string[] args, int i)
    {
        var parts = i < args.Length ? args[i].Split(',') : [];
        if (parts.Length != 3
            || !double.TryParse(parts[0], NumberStyles.Float, CultureInfo.InvariantCulture, out var smallest)
            || !double.TryParse(parts[1], NumberStyles.Float, CultureInfo.InvariantCulture, out var largest)
            || !int.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out var size))
        {
            throw new ArgumentException("--grid needs SMALLEST,LARGEST,SIZE, e.g. --grid 1.1,16,16");
        }

        var grid = new CountTestOptions { SmallestEffect = smallest, LargestEffect = largest, GridSize = size };
        grid.Validate();
        return grid;
    }

    private static string DefaultOutput()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Switchback.slnx")))
            {
                return Path.Combine(dir.FullName, "docs", "benchmarks.md");
            }
        }

        return Path.Combine(Environment.CurrentDirectory, "docs", "benchmarks.md");
    }
}
