using System.Text.Json.Nodes;
using Switchback.Core.OnlineEvaluators;

namespace Switchback.Core.Manifests.Parsing;

/// <summary>The <c>kind: Bundle</c> schema: the optional <c>evaluators</c> section (docs/evaluators.md).</summary>
internal sealed partial class DocumentValidator
{
    /// <summary>
    /// The section as written (core-schema typed, no defaults filled in, so the digest changes only when the text does),
    /// after <see cref="EvaluatorOptions.FromJson"/> accepted it; each of its errors becomes a <see cref="ManifestError"/>.
    /// </summary>
    private JsonObject? Evaluators(MappingNode root)
    {
        switch (Get(root, "evaluators"))
        {
            case null:
                return null;
            case MappingNode map:
                var before = errors.Count;
                if (CoreValue(map, "evaluators") is not JsonObject section || errors.Count > before)
                {
                    return null;
                }

                try
                {
                    EvaluatorOptions.FromJson(section);
                }
                catch (EvaluatorOptionsException ex)
                {
                    foreach (var error in ex.Errors)
                    {
                        Error(error.Path, error.Message, map);
                    }

                    return null;
                }

                return section;
            case var other:
                Error("evaluators", $"expected a mapping of evaluator settings (sample_rate, max_scan_chars, safety, refusal, json), got {Describe(other)}", other);
                return null;
        }
    }
}
