using System.Globalization;
using Switchback.Core.Analysis;

namespace Switchback.Bench.Detection;

/// <summary>Every scenario × canary weight × request rate, every method on the same seeded runs, over all cores.</summary>
internal sealed class Study(StudyOptions options)
{
    public static readonly double[] Weights = [0.01, 0.05, 0.25];
    public static readonly int[] RequestRates = [50, 500];

    /// <summary>The methods, side by side. Switchback runs three guardrails: error_rate, latency (stochastic order) and latency_p99.</summary>
    public IReadOnlyList<MethodSpec> Methods { get; } =
    [
        Switchback("Switchback", CountTestOptions.Default),
        Switchback("Switchback before tuning (prior 1.1–16 × 16)", new CountTestOptions { SmallestEffect = 1.1, LargestEffect = 16, GridSize = 16 }),
        .. options.ExtraGrids.Select(g => Switchback(string.Create(CultureInfo.InvariantCulture, $"Switchback, prior {g.SmallestEffect}–{g.LargestEffect} × {g.GridSize}"), g)),
        new("Flagger-style 60 s", () => new FlaggerMethod(60)),
        new("Flagger-style 10 s", () => new FlaggerMethod(10)),
        new("Kayenta-style 60 s", () => new KayentaMethod(60)),
    ];

    private static MethodSpec Switchback(string name, CountTestOptions grid) =>
        new(name, () => new SwitchbackMethod(StudyOptions.Alpha, grid, "latency", "latency_p99"));

    public IReadOnlyList<Row> Run()
    {
        var cells = (from s in Scenario.All.Select((scenario, index) => (scenario, index))
                     from w in Weights
                     from r in RequestRates
                     select new Cell(s.index, s.scenario, w, r)).ToArray();
        var runs = cells.Select(c => c.Scenario.IsRegression ? options.RegressionRuns : options.AaRuns).ToArray();
        var results = cells.Select((_, i) => new int?[runs[i]][]).ToArray();
        var work = cells.SelectMany((_, i) => Enumerable.Range(0, runs[i]).Select(run => (Cell: i, Run: run))).ToArray();
        var methods = Methods.Select(m => m.Create).ToArray();
        Parallel.ForEach(work, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, item =>
        {
            var seed = (item.Cell * 1_000_003) + item.Run;
            results[item.Cell][item.Run] = Simulator.Run(cells[item.Cell], seed, methods);
        });

        return cells.SelectMany((cell, i) => Methods.Select((m, k) => new Row(cell, m.Name, results[i].Select(r => r[k]).ToArray()))).ToList();
    }
}
