using System.Text;
using Switchback.Core.OnlineEvaluators.Detectors;

namespace Switchback.Core.OfflineEvals.Scorers;

/// <summary>
/// <c>json_schema</c>: the answer is strictly valid JSON (no code fence, one value) that conforms to the schema. Schemas are
/// compiled by the online evaluators' NJsonSchema cache, with the same protections: no external <c>$ref</c>, and
/// <c>pattern</c> keywords removed because NJsonSchema would run them without a timeout.
/// </summary>
/// <param name="SchemaText">The schema as JSON text.</param>
public sealed record JsonSchemaScorer(string SchemaText) : LocalScorer
{
    private const int MaxDepth = 256;
    private static readonly SchemaCache Schemas = new(256);

    /// <inheritdoc />
    public override string Type => "json_schema";

    /// <inheritdoc />
    public override bool NeedsExpected => false;

    /// <summary>Null when the schema compiles, else why not (checked when the dataset is parsed).</summary>
    public string? SchemaError => Schemas.Get(SchemaText).Error;

    /// <inheritdoc />
    public override CaseScore Score(EvalCase evalCase, string answer)
    {
        ArgumentNullException.ThrowIfNull(answer);
        var schema = Schemas.Get(SchemaText);
        if (schema.Schema is null)
        {
            return CaseScore.Fail($"unusable schema: {schema.Error}");
        }

        var utf8 = Encoding.UTF8.GetBytes(answer);
        if (JsonChecker.Check(utf8, MaxDepth, requireObject: false) is { } invalid)
        {
            return CaseScore.Fail($"not valid JSON: {invalid}");
        }

        return SchemaConformance.Check(schema, utf8, MaxDepth) is { } problems
            ? CaseScore.Fail($"does not conform to the schema: {problems}")
            : CaseScore.Pass("valid JSON conforming to the schema");
    }
}
