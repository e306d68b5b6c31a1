// Measures the per-response cost of the default evaluators (docs/evaluators.md, "Cost"). Not a test: figures vary by machine.
using System.Diagnostics;
using System.Globalization;
using System.Text;
using Switchback.Core.OnlineEvaluators;

const string Sentence = "Thanks for reaching out. Your order 48213 shipped on 2026-11-20 and should arrive within 3 to 5 business days; ";
const string Schema = """{"type":"object","properties":{"answer":{"type":"string"},"items":{"type":"array","items":{"type":"object","properties":{"id":{"type":"integer"},"note":{"type":"string"}},"required":["id"]}}},"required":["answer"]}""";

var evaluator = new ResponseEvaluator(EvaluatorOptions.Default with
{
    DenyPatterns = [new DenyPattern("api-keys", "sk-[A-Za-z0-9]{20,}"), new DenyPattern("internal-hosts", @"\bcorp\.acme\.internal\b", IgnoreCase: true)],
});

Console.WriteLine("| answer | mode | µs per response | responses/s on one core |");
Console.WriteLine("|---|---|---|---|");
foreach (var size in new[] { 1024, 16 * 1024 })
{
    var text = Repeat(Sentence, size);
    var json = Json(size);
    Measure(size, "text", EvaluationInput.FromText(text));
    Measure(size, "text, UTF-8 bytes", EvaluationInput.FromUtf8(Encoding.UTF8.GetBytes(text)));
    Measure(size, "json_object", EvaluationInput.FromText(json) with { ResponseFormat = ResponseFormat.JsonObject });
    Measure(size, "json_schema", EvaluationInput.FromText(json) with { ResponseFormat = ResponseFormat.JsonSchema(Schema) });
}

void Measure(int size, string mode, EvaluationInput input)
{
    // Long enough for tiered compilation to reach its optimised code.
    for (var i = 0; i < 3000; i++)
    {
        evaluator.Evaluate(input);
    }

    const int Iterations = 2000;
    var clock = Stopwatch.StartNew();
    for (var i = 0; i < Iterations; i++)
    {
        evaluator.Evaluate(input);
    }

    var micros = clock.Elapsed.TotalMicroseconds / Iterations;
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {size / 1024} KB | {mode} | {micros:F1} | {1_000_000 / micros:F0} |"));
}

static string Repeat(string sentence, int size)
{
    var builder = new StringBuilder(size + sentence.Length);
    while (builder.Length < size)
    {
        builder.Append(sentence);
    }

    return builder.ToString(0, size);
}

static string Json(int size)
{
    var builder = new StringBuilder("{\"answer\":\"ok\",\"items\":[");
    for (var i = 0; builder.Length < size - 64; i++)
    {
        builder.Append(CultureInfo.InvariantCulture, $"{(i == 0 ? "" : ",")}{{\"id\":{i},\"note\":\"shipped within three to five days\"}}");
    }

    return builder.Append("]}").ToString();
}
