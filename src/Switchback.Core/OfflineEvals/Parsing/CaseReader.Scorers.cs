using System.Text.Json.Nodes;
using Switchback.Core.Bundles;
using Switchback.Core.OfflineEvals.Scorers;

namespace Switchback.Core.OfflineEvals.Parsing;

/// <summary>Reading a <c>scorer</c> object into its typed <see cref="Scorer"/>.</summary>
internal sealed partial class CaseReader
{
    private const int MaxRubricChars = 64 * 1024;
    private static readonly string[] Types = ["exact", "contains", "regex", "json_schema", "numeric", "judge"];

    /// <summary>How long a backtracking regex scorer may run on one answer; the linear engine needs no limit.</summary>
    public static readonly TimeSpan RegexTimeout = TimeSpan.FromMilliseconds(200);

    private Scorer? Scorer(JsonNode? node, string path)
    {
        if (node is not JsonObject map)
        {
            Error(path, $"expected an object with a type ({string.Join(", ", Types)}), got {EvalDataset.Describe(node)}");
            return null;
        }

        var type = Text(map["type"], $"{path}.type");
        if (type is null)
        {
            return null;
        }

        var before = errors.Count;
        Scorer? scorer = type switch
        {
            "exact" => Exact(map, path),
            "contains" => Contains(map, path),
            "regex" => Regex(map, path),
            "json_schema" => JsonSchema(map, path),
            "numeric" => Numeric(map, path),
            "judge" => Judge(map, path),
            _ => null,
        };
        if (!Types.Contains(type))
        {
            Error($"{path}.type", $"'{type}' is not a scorer type: expected one of {string.Join(", ", Types)}");
        }

        return errors.Count > before ? null : scorer;
    }

    private ExactScorer Exact(JsonObject map, string path)
    {
        RejectUnknown(map, path, "type", "trim", "ignore_case");
        return new ExactScorer(Bool(map, "trim", path) ?? true, Bool(map, "ignore_case", path) ?? false);
    }

    private ContainsScorer Contains(JsonObject map, string path)
    {
        RejectUnknown(map, path, "type", "mode", "ignore_case");
        var any = false;
        if (map.ContainsKey("mode"))
        {
            var mode = Text(map["mode"], $"{path}.mode");
            if (mode is not (null or "all" or "any"))
            {
                Error($"{path}.mode", $"'{mode}' is not a mode: expected all or any");
            }

            any = mode == "any";
        }

        return new ContainsScorer(any, Bool(map, "ignore_case", path) ?? false);
    }

    private RegexScorer? Regex(JsonObject map, string path)
    {
        RejectUnknown(map, path, "type", "pattern", "ignore_case");
        var pattern = Text(map["pattern"], $"{path}.pattern");
        var ignoreCase = Bool(map, "ignore_case", path) ?? false;
        if (pattern is null)
        {
            return null;
        }

        var scorer = RegexScorer.Create(pattern, ignoreCase, RegexTimeout, out var error);
        if (scorer is null)
        {
            Error($"{path}.pattern", error!);
        }

        return scorer;
    }

    private JsonSchemaScorer? JsonSchema(JsonObject map, string path)
    {
        RejectUnknown(map, path, "type", "schema");
        if (map["schema"] is not JsonObject schema)
        {
            Error($"{path}.schema", $"expected a JSON Schema object, got {EvalDataset.Describe(map["schema"])}");
            return null;
        }

        var scorer = new JsonSchemaScorer(schema.ToJsonString());
        if (scorer.SchemaError is { } problem)
        {
            Error($"{path}.schema", problem);
            return null;
        }

        return scorer;
    }

    private NumericScorer? Numeric(JsonObject map, string path)
    {
        RejectUnknown(map, path, "type", "path", "abs_tol", "rel_tol");
        string? jsonPath = null;
        if (map.ContainsKey("path") && Text(map["path"], $"{path}.path") is { } p)
        {
            if (NumericScorer.CheckPath(p) is { } problem)
            {
                Error($"{path}.path", problem);
            }

            jsonPath = p;
        }

        var abs = map.ContainsKey("abs_tol") ? Number(map["abs_tol"], $"{path}.abs_tol", 0, double.MaxValue) : 0;
        var rel = map.ContainsKey("rel_tol") ? Number(map["rel_tol"], $"{path}.rel_tol", 0, double.MaxValue) : 0;
        return abs is null || rel is null ? null : new NumericScorer(jsonPath, abs.Value, rel.Value);
    }

    private JudgeScorer? Judge(JsonObject map, string path)
    {
        RejectUnknown(map, path, "type", "deployment", "rubric");
        var deployment = Text(map["deployment"], $"{path}.deployment");
        var rubric = Text(map["rubric"], $"{path}.rubric");
        if (deployment is not null && !IsJudgeTarget(deployment, out var problem))
        {
            Error($"{path}.deployment", problem);
            return null;
        }

        if (rubric is not null && (rubric.Trim().Length == 0 || rubric.Length > MaxRubricChars))
        {
            Error($"{path}.rubric", $"expected a Liquid template of 1..{MaxRubricChars} characters using {{{{ question }}}}, {{{{ answer }}}} and {{{{ expected }}}}");
            return null;
        }

        return deployment is null || rubric is null ? null : new JudgeScorer(deployment, rubric);
    }

    private static bool IsJudgeTarget(string target, out string problem)
    {
        problem = string.Empty;
        var at = target.IndexOf('@', StringComparison.Ordinal);
        var name = at < 0 ? target : target[..at];
        if (!DeploymentName.IsValid(name, out var nameProblem))
        {
            problem = nameProblem;
            return false;
        }

        if (at >= 0 && !(int.TryParse(target[(at + 1)..], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var v) && v >= 1))
        {
            problem = $"'{target}' is not DEPLOYMENT or DEPLOYMENT@VERSION";
            return false;
        }

        return true;
    }
}
