using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Switchback.Core.OfflineEvals.Scorers;

/// <summary>
/// <c>numeric</c>: a number taken from the answer — the first number in the text, or the value at <see cref="Path"/> when the
/// answer is JSON — is within tolerance of the expected number: |actual − expected| ≤ max(abs_tol, rel_tol × |expected|).
/// </summary>
/// <param name="Path">A JSON path such as <c>$.total</c> or <c>$.items[0].price</c>, or null for the first number in the text.</param>
/// <param name="AbsoluteTolerance">abs_tol, ≥ 0 (default 0).</param>
/// <param name="RelativeTolerance">rel_tol, ≥ 0 (default 0).</param>
public sealed partial record NumericScorer(string? Path, double AbsoluteTolerance, double RelativeTolerance) : LocalScorer
{
    /// <inheritdoc />
    public override string Type => "numeric";

    /// <inheritdoc />
    public override bool NeedsExpected => true;

    /// <summary>Null when <paramref name="path"/> is a supported JSON path (<c>$</c>, <c>.name</c>, <c>[index]</c>), else why not.</summary>
    public static string? CheckPath(string path)
        => PathSyntax().IsMatch(path) ? null : $"'{path}' is not a supported JSON path: expected $ followed by .name and [index] parts, e.g. $.items[0].price";

    /// <inheritdoc />
    public override CaseScore Score(EvalCase evalCase, string answer)
    {
        ArgumentNullException.ThrowIfNull(evalCase);
        ArgumentNullException.ThrowIfNull(answer);
        var expected = evalCase.Expected!.GetValue<double>();
        double? actual = Path is null ? FirstNumber(answer) : AtPath(answer, Path);
        if (actual is not { } value)
        {
            return CaseScore.Fail(Path is null ? "no number in the answer" : $"no number at {Path}");
        }

        var allowed = Math.Max(AbsoluteTolerance, RelativeTolerance * Math.Abs(expected));
        var difference = Math.Abs(value - expected);
        return difference <= allowed
            ? CaseScore.Pass(string.Create(CultureInfo.InvariantCulture, $"{value:G6} within {allowed:G3} of {expected:G6}"))
            : CaseScore.Fail(string.Create(CultureInfo.InvariantCulture, $"{value:G6} is {difference:G3} from {expected:G6}; allowed {allowed:G3}"));
    }

    private static double? FirstNumber(string answer)
    {
        var match = NumberPattern().Match(answer);
        return match.Success && double.TryParse(match.Value.Replace(",", string.Empty, StringComparison.Ordinal), NumberStyles.Float, CultureInfo.InvariantCulture, out var n) && double.IsFinite(n)
            ? n
            : null;
    }

    private static double? AtPath(string answer, string path)
    {
        JsonNode? node;
        try
        {
            node = JsonNode.Parse(answer, documentOptions: new JsonDocumentOptions { MaxDepth = 256 });
        }
        catch (JsonException)
        {
            return null;
        }

        foreach (Match part in PathPart().Matches(path))
        {
            node = part.Groups["name"].Success
                ? (node as JsonObject)?[part.Groups["name"].Value]
                : node is JsonArray array && int.TryParse(part.Groups["index"].Value, CultureInfo.InvariantCulture, out var i) && i < array.Count ? array[i] : null;
        }

        return node is JsonValue value && value.GetValueKind() == JsonValueKind.Number && value.TryGetValue<double>(out var number) && double.IsFinite(number)
            ? number
            : null;
    }

    // Digits grouped by thousands ("1,234.5") are read as one number; NonBacktracking keeps it linear on any answer.
    [GeneratedRegex(@"[-+]?(\d{1,3}(,\d{3})+|\d+)(\.\d+)?([eE][-+]?\d+)?", RegexOptions.NonBacktracking | RegexOptions.CultureInvariant)]
    private static partial Regex NumberPattern();

    [GeneratedRegex(@"^\$(\.[A-Za-z_][A-Za-z0-9_-]*|\[\d{1,9}\])*$", RegexOptions.CultureInvariant)]
    private static partial Regex PathSyntax();

    [GeneratedRegex(@"\.(?<name>[A-Za-z_][A-Za-z0-9_-]*)|\[(?<index>\d{1,9})\]", RegexOptions.CultureInvariant)]
    private static partial Regex PathPart();
}
