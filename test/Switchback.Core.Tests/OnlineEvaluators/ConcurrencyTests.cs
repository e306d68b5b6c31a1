using Switchback.Core.OnlineEvaluators;

namespace Switchback.Core.Tests.OnlineEvaluators;

public sealed class ConcurrencyTests
{
    private const string Schema = """{"type":"object","properties":{"n":{"type":"integer"}},"required":["n"]}""";

    [Fact]
    public async Task Evaluate_ManyThreadsSharingOneEvaluator_GiveTheSingleThreadedResults()
    {
        var evaluator = new ResponseEvaluator(EvaluatorOptions.Default with
        {
            DenyPatterns = [new DenyPattern("secret", "(?<!x)secret"), new DenyPattern("token", "tok-[0-9]+")],
            SchemaCacheSize = 4,
            PatternTimeout = TimeSpan.FromSeconds(2), // preemption on a loaded machine must not look like a timeout
        });
        EvaluationInput[] inputs =
        [
            EvaluationInput.FromText("mail jane@example.com, secret tok-12"),
            EvaluationInput.FromText("I'm sorry, but I can't help with that."),
            EvaluationInput.FromText("""{"n": 1}""") with { ResponseFormat = ResponseFormat.JsonSchema(Schema) },
            EvaluationInput.FromText("""{"n": "x"}""") with { ResponseFormat = ResponseFormat.JsonSchema(Schema) },
            EvaluationInput.FromText("""{"n": """) with { ResponseFormat = ResponseFormat.JsonObject, StreamCutOff = true },
            EvaluationInput.FromText("""{"m": 1}""") with { ResponseFormat = ResponseFormat.JsonSchema("""{"required":["m"]}""") },
            EvaluationInput.FromText("card 4111 1111 1111 1111, call (415) 555-2671"),
            EvaluationInput.FromText("  "),
        ];
        // Distinct schemas beyond the cache size exercise the uncached path concurrently too.
        var extra = Enumerable.Range(0, 8)
            .Select(i => EvaluationInput.FromText($$"""{"k{{i}}": {{i}}}""") with { ResponseFormat = ResponseFormat.JsonSchema($$"""{"required":["k{{i}}"]}""") });
        inputs = [.. inputs, .. extra];
        var expected = inputs.Select(i => Describe(new ResponseEvaluator(evaluator.Options).Evaluate(i))).ToArray();

        var tasks = Enumerable.Range(0, 8).Select(worker => Task.Run(() =>
        {
            var mismatches = 0;
            for (var round = 0; round < 200; round++)
            {
                var index = (round + worker) % inputs.Length;
                mismatches += Describe(evaluator.Evaluate(inputs[index])) == expected[index] ? 0 : 1;
            }

            return mismatches;
        }, TestContext.Current.CancellationToken));
        var results = await Task.WhenAll(tasks);

        Assert.All(results, mismatches => Assert.Equal(0, mismatches));
        Assert.Contains("deny.secret", expected[0], StringComparison.Ordinal);
        Assert.Contains("SchemaInvalid = True", expected[3], StringComparison.Ordinal);
    }

    private static string Describe(EvaluationResult result) =>
        $"{string.Join(",", result.SafetyDetectors)} {result with { SafetyDetectors = [] }}";
}
