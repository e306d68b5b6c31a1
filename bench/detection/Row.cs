using System.Globalization;

namespace Switchback.Bench.Detection;

/// <summary>One row of the results table: a method's outcomes over all runs of a cell.</summary>
internal sealed record Row(Cell Cell, string Method, int?[] Outcomes)
{
    public int Runs => Outcomes.Length;

    public int RolledBack => Outcomes.Count(o => o is not null);

    public double Rate => (double)RolledBack / Runs;

    /// <summary>The q-quantile of time to detect over all runs, a missed run counting as never (null).</summary>
    public int? TimeQuantile(double q)
    {
        var sorted = Outcomes.Select(o => o ?? int.MaxValue).Order().ToArray();
        var value = sorted[Math.Clamp((int)Math.Ceiling(q * sorted.Length) - 1, 0, sorted.Length - 1)];
        return value == int.MaxValue ? null : value;
    }

    public string Markdown()
    {
        var c = CultureInfo.InvariantCulture;
        var weight = (Cell.Weight * 100).ToString("0.#", c) + " %";
        if (!Cell.Scenario.IsRegression)
        {
            return string.Create(c, $"| {Cell.Scenario.Name} | {weight} | {Cell.Rps} | {Method} | false rollbacks {Rate:0.0%} ({RolledBack}/{Runs}) | — | — | — |");
        }

        return string.Create(c, $"| {Cell.Scenario.Name} | {weight} | {Cell.Rps} | {Method} | detected {Rate:0.0%} | {Format(TimeQuantile(0.5))} | {Format(TimeQuantile(0.9))} | {Runs - RolledBack}/{Runs} |");
    }

    public static string Format(int? seconds) => seconds switch
    {
        null => "> 30 min",
        < 120 => string.Create(CultureInfo.InvariantCulture, $"{seconds} s"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{seconds / 60.0:0.0} min"),
    };
}
