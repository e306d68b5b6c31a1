using System.Globalization;

namespace Switchback.Bench.Detection;

/// <summary>Checks the study's two goals row by row and says plainly where they are missed.</summary>
internal static class Goals
{
    private const string Reference = "Flagger-style 60 s";

    public static IEnumerable<string> Assess(IReadOnlyList<Row> rows)
    {
        var c = CultureInfo.InvariantCulture;
        var aa = rows.Where(r => !r.Cell.Scenario.IsRegression).ToList();
        foreach (var method in aa.Select(r => r.Method).Distinct())
        {
            var mine = aa.Where(r => r.Method == method).ToList();
            var over = mine.Where(r => r.Rate > StudyOptions.Alpha).ToList();
            yield return string.Create(c, $"- {method}: false-rollback rate {mine.Min(r => r.Rate):0.0%} to {mine.Max(r => r.Rate):0.0%} over the A/A rows; ")
                + (over.Count == 0 ? $"at most alpha = {StudyOptions.Alpha} in every row." : $"above alpha in {over.Count} of {mine.Count} rows.");
        }

        foreach (var method in rows.Select(r => r.Method).Distinct().Where(m => m.StartsWith("Switchback", StringComparison.Ordinal)))
        {
            var regressions = rows.Where(r => r.Cell.Scenario.IsRegression && r.Method == method).ToList();
            var misses = new List<string>();
            var unfair = new List<string>();
            var met = 0;
            foreach (var row in regressions)
            {
                var flagger = rows.Single(r => r.Cell == row.Cell && r.Method == Reference);
                var mineAa = aa.Single(r => r.Method == method && r.Cell.Weight == row.Cell.Weight && r.Cell.Rps == row.Cell.Rps);
                var flaggerAa = aa.Single(r => r.Method == Reference && r.Cell.Weight == row.Cell.Weight && r.Cell.Rps == row.Cell.Rps);
                var mineMedian = row.TimeQuantile(0.5);
                var theirs = flagger.TimeQuantile(0.5);
                var faster = mineMedian is not null && (theirs is null || theirs >= 2 * mineMedian);
                var text = string.Create(c, $"{row.Cell.Scenario.Name} at {row.Cell.Weight:0%} / {row.Cell.Rps} RPS (median {Row.Format(mineMedian)} vs {Row.Format(theirs)}; false rollbacks {mineAa.Rate:0.0%} vs {flaggerAa.Rate:0.0%})");
                if (faster && mineAa.Rate <= flaggerAa.Rate)
                {
                    met++;
                }
                else if (flaggerAa.Rate > StudyOptions.Alpha)
                {
                    unfair.Add(text);
                }
                else
                {
                    misses.Add(text);
                }
            }

            yield return string.Create(c, $"- {method} vs {Reference}: at least 2× faster (median time to detect) at an equal or lower false-rollback rate in {met} of {regressions.Count} regression rows.");
            if (unfair.Count > 0)
            {
                yield return $"  - Slower than {Reference} only where that method's false-rollback rate is above alpha, i.e. where it is fast because it rolls back good versions too (no equal-rate comparison exists): " + string.Join("; ", unfair) + ".";
            }

            yield return misses.Count == 0
                ? $"  - Not met at an equal or lower false-rollback rate: none."
                : $"  - Not met at an equal or lower false-rollback rate: " + string.Join("; ", misses) + ".";
        }
    }
}
