using System.Globalization;

namespace Switchback.Bench.Detection;

/// <summary>Command-line settings of the study; defaults are the published configuration.</summary>
internal sealed record StudyOptions(int RegressionRuns, int AaRuns, bool Write, string OutputPath)
{
    public const double Alpha = 0.01;

    public static StudyOptions Parse(string[] args)
    {
        int regressionRuns = 200, aaRuns = 1000;
        var write = true;
        string? output = null;
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
                case "--no-write":
                    write = false;
                    break;
                case "--out":
                    output = i + 1 < args.Length ? args[++i] : throw new ArgumentException("--out needs a path");
                    break;
                default:
                    throw new ArgumentException($"unknown argument '{args[i]}' (expected --runs N, --aa-runs N, --out PATH, --no-write)");
            }
        }

        return new StudyOptions(regressionRuns, aaRuns, write, output ?? DefaultOutput());
    }

    private static int PositiveInt(string[] args, int i) =>
        i < args.Length && int.TryParse(args[i], NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0
            ? n
            : throw new ArgumentException($"{args[i - 1]} needs a positive whole number");

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
