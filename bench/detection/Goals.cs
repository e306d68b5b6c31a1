using System.Globalization;

namespace Switchback.Bench.Detection;

/// <summary>Checks the study's two goals row by row and says plainly where they are missed.</summary>
internal static class Goals
{
    private static readonly string[] References = ["Flagger-style 60 s", "Flagger-style 10 s"];

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
            foreach (var line in References.SelectMany(reference => Compare(rows, aa, method, reference)))
            {
                yield return line;
            }
        }
    }

    private static IEnumerable<string> Compare(IReadOnlyList<Row> rows, List<Row> aa, string method, string reference)
    {
        var c = CultureInfo.InvariantCulture;
        var regressions = rows.Where(r => r.Cell.Scenario.IsRegression && r.Method == method).ToList();
        var met = new List<string>();
        var unfair = new List<string>();
        var misses = new List<string>();
        var strict = 0;
        foreach (var row in regressions)
        {
            var flagger = rows.Single(r => r.Cell == row.Cell && r.Method == reference);
            var mineAa = aa.Single(r => r.Method == method && r.Cell.Weight == row.Cell.Weight && r.Cell.Rps == row.Cell.Rps);
            var flaggerAa = aa.Single(r => r.Method == reference && r.Cell.Weight == row.Cell.Weight && r.Cell.Rps == row.Cell.Rps);
            var mineMedian = row.TimeQuantile(0.5);
            var theirs = flagger.TimeQuantile(0.5);
            var faster = mineMedian is not null && (theirs is null || theirs >= 2 * mineMedian);
            var text = string.Create(c, $"{row.Cell.Scenario.Name} at {row.Cell.Weight:0%} / {row.Cell.Rps} RPS (median {Row.Format(mineMedian)} vs {Row.Format(theirs)}; false rollbacks {mineAa.Rate:0.0%} vs {flaggerAa.Rate:0.0%})");
            strict += faster && mineAa.Rate <= flaggerAa.Rate ? 1 : 0;
            if (faster && (mineAa.Rate <= flaggerAa.Rate || mineAa.Rate <= StudyOptions.Alpha))
            {
                met.Add(text);
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

        yield return string.Create(c, $"- {method} vs {reference}: at least 2× faster (median time to detect) in {met.Count} of {regressions.Count} regression rows, with its false-rollback rate no higher than {reference}'s or both within alpha ({strict} rows if its rate must be no higher than {reference}'s even where both are within alpha).");
        yield return unfair.Count == 0
            ? $"  - Rows where {reference} is less than 2× slower only because its false-rollback rate is above alpha: none."
            : $"  - Less than 2× faster only where {reference}'s false-rollback rate is above alpha, i.e. where it is quick because it also rolls back good versions (no like-for-like comparison exists): " + string.Join("; ", unfair) + ".";
        yield return misses.Count == 0
            ? $"  - Goal missed where {reference} stays within alpha: none."
            : $"  - Goal missed where {reference} stays within alpha: " + string.Join("; ", misses) + ".";
    }
}
