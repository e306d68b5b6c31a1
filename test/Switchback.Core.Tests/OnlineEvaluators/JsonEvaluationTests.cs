using System.Text;
using System.Text.Json.Nodes;
using Switchback.Core.OnlineEvaluators;

namespace Switchback.Core.Tests.OnlineEvaluators;

public sealed class JsonEvaluationTests
{
    private const string PersonSchema =
        """{"type":"object","properties":{"name":{"type":"string"},"age":{"type":"integer","minimum":0},"tags":{"type":"array","items":{"enum":["a","b"]}}},"required":["name","age"]}""";

    private static readonly ResponseEvaluator Evaluator = new(EvaluatorOptions.Default);

    private static EvaluationResult Json(string text, ResponseFormat? format = null, bool cut = false) =>
        Evaluator.Evaluate(EvaluationInput.FromText(text) with { ResponseFormat = format ?? ResponseFormat.JsonObject, StreamCutOff = cut });

    [Fact]
    public void Evaluate_TextRequest_DoesNotJudgeJson()
    {
        var result = Evaluator.Evaluate(EvaluationInput.FromText("not json"));

        Assert.Null(result.JsonInvalid);
        Assert.Null(result.SchemaInvalid);
        Assert.False(result.CountsAsJsonInvalid);
    }

    [Theory]
    [InlineData("""{"answer": 42}""")]
    [InlineData("""  {"nested": {"list": [1, 2.5e3, true, null, "é\u00e9"]}}  """)]
    public void Evaluate_ValidJsonObject_IsValid(string text)
    {
        var result = Json(text);

        Assert.False(result.JsonInvalid);
        Assert.Null(result.JsonDetail);
    }

    [Theory]
    [InlineData("""{"answer": 42,}""")]
    [InlineData("""{"answer": 42} {"again": 1}""")]
    [InlineData("```json\n{\"answer\": 42}\n```")]
    [InlineData("{\"answer\": 42 // comment\n}")]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("[1, 2]")] // json_object asks for an object
    [InlineData("\"just a string\"")]
    public void Evaluate_InvalidJsonObject_IsInvalid(string text)
    {
        var result = Json(text);

        Assert.True(result.JsonInvalid);
        Assert.True(result.CountsAsJsonInvalid);
        Assert.False(string.IsNullOrEmpty(result.JsonDetail));
    }

    [Fact]
    public void Evaluate_CutStream_IsInvalidAndTruncated()
    {
        var result = Json("""{"answer": "the refund policy is""", cut: true);

        Assert.True(result.JsonInvalid);
        Assert.True(result.Truncated);
        Assert.Contains("truncated", result.JsonDetail, StringComparison.Ordinal);
    }

    [Fact]
    public void Evaluate_FinishReasonLength_IsTruncated()
    {
        var result = Evaluator.Evaluate(EvaluationInput.FromText("The policy is") with { FinishReason = "length" });

        Assert.True(result.Truncated);
        Assert.False(Evaluator.Evaluate(EvaluationInput.FromText("Done.") with { FinishReason = "stop" }).Truncated);
    }

    [Fact]
    public void Evaluate_Nested10000Levels_IsInvalidWithoutCrashing()
    {
        var text = new string('[', 10_000) + new string(']', 10_000);

        var result = Json(text, ResponseFormat.JsonSchema(PersonSchema));

        Assert.True(result.JsonInvalid);
        Assert.Contains("depth", result.JsonDetail, StringComparison.OrdinalIgnoreCase);
        Assert.Null(result.SchemaInvalid);
    }

    [Fact]
    public void Evaluate_NestingAtTheLimit_IsValid()
    {
        var evaluator = new ResponseEvaluator(EvaluatorOptions.Default with { MaxJsonDepth = 100 });
        var ok = "{\"a\":" + new string('[', 99) + new string(']', 99) + "}";
        var deep = "{\"a\":" + new string('[', 100) + new string(']', 100) + "}";

        Assert.False(evaluator.Evaluate(EvaluationInput.FromText(ok) with { ResponseFormat = ResponseFormat.JsonObject }).JsonInvalid);
        Assert.True(evaluator.Evaluate(EvaluationInput.FromText(deep) with { ResponseFormat = ResponseFormat.JsonObject }).JsonInvalid);
    }

    [Fact]
    public void Evaluate_InvalidUtf8Bytes_IsInvalidJsonAndFlagged()
    {
        byte[] bytes = [.. Encoding.UTF8.GetBytes("{\"name\": \""), 0xC3, 0x28, 0xFF, .. Encoding.UTF8.GetBytes("\"}")];

        var result = Evaluator.Evaluate(EvaluationInput.FromUtf8(bytes) with { ResponseFormat = ResponseFormat.JsonObject });

        Assert.True(result.InvalidUtf8);
        Assert.True(result.JsonInvalid);
        Assert.Contains("UTF-8", result.JsonDetail, StringComparison.Ordinal);
    }

    [Fact]
    public void Evaluate_UnpairedSurrogateInText_IsInvalidJson()
    {
        var result = Json("{\"name\": \"\uD800\"}");

        Assert.True(result.JsonInvalid);
    }

    [Fact]
    public void Evaluate_ValidUtf8Bytes_MatchesTextResult()
    {
        const string text = """{"name": "Zoë", "age": 3}""";

        var fromBytes = Evaluator.Evaluate(EvaluationInput.FromUtf8(Encoding.UTF8.GetBytes(text)) with { ResponseFormat = ResponseFormat.JsonSchema(PersonSchema) });

        Assert.False(fromBytes.InvalidUtf8);
        Assert.False(fromBytes.JsonInvalid);
        Assert.False(fromBytes.SchemaInvalid);
        Assert.Equal(text.Length, fromBytes.ResponseLength);
    }

    [Theory]
    [InlineData("""{"name": "Ann", "age": 31}""")]
    [InlineData("""{"name": "Ann", "age": 31, "tags": ["a", "b"]}""")]
    public void Evaluate_ConformingJson_SchemaValid(string text)
    {
        var result = Json(text, ResponseFormat.JsonSchema(PersonSchema));

        Assert.False(result.JsonInvalid);
        Assert.False(result.SchemaInvalid);
    }

    [Theory]
    [InlineData("""{"name": "Ann"}""", "age")]
    [InlineData("""{"name": 7, "age": 31}""", "name")]
    [InlineData("""{"name": "Ann", "age": -1}""", "age")]
    [InlineData("""{"name": "Ann", "age": 31, "tags": ["c"]}""", "tags")]
    public void Evaluate_NonConformingJson_SchemaInvalid(string text, string field)
    {
        var result = Json(text, ResponseFormat.JsonSchema(PersonSchema));

        Assert.False(result.JsonInvalid);
        Assert.True(result.SchemaInvalid);
        Assert.True(result.CountsAsJsonInvalid);
        Assert.Contains(field, result.JsonDetail, StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [InlineData("not a schema", "not a usable JSON object")]
    [InlineData("""{"$ref": "https://example.com/schema.json"}""", "only references inside the schema")]
    [InlineData("""{"$ref": "/etc/passwd"}""", "no document path")]
    [InlineData("""{"$ref": "file:///etc/passwd"}""", "could not be compiled")]
    public void Evaluate_UnusableSchema_SchemaNotJudged(string schema, string reason)
    {
        var result = Json("""{"name": "Ann", "age": 31}""", ResponseFormat.JsonSchema(schema));

        Assert.False(result.JsonInvalid);
        Assert.Null(result.SchemaInvalid);
        Assert.Contains(reason, result.JsonDetail, StringComparison.Ordinal);
    }

    [Fact]
    public void Evaluate_SchemaNested10000Levels_SchemaNotJudged()
    {
        var schema = string.Concat(Enumerable.Repeat("{\"items\":", 10_000)) + "{}" + new string('}', 10_000);

        var result = Json("""{"a": 1}""", ResponseFormat.JsonSchema(schema));

        Assert.Null(result.SchemaInvalid);
    }

    [Fact]
    public void Evaluate_SchemaWithCatastrophicPattern_FinishesWithPatternIgnored()
    {
        const string schema = """{"type":"object","properties":{"pattern":{"type":"string","pattern":"^(a+)+$"}},"required":["pattern"]}""";
        var value = new string('a', 5_000) + "!";

        var result = Json($$"""{"pattern": "{{value}}"}""", ResponseFormat.JsonSchema(schema));

        Assert.False(result.SchemaInvalid); // the pattern keyword is not checked; the property named "pattern" still is
        Assert.True(Json("""{"other": 1}""", ResponseFormat.JsonSchema(schema)).SchemaInvalid);
    }

    [Fact]
    public void Evaluate_ResponseOverJsonCap_NotJudged()
    {
        var evaluator = new ResponseEvaluator(EvaluatorOptions.Default with { MaxJsonBytes = 1024 });
        var text = "{\"a\":\"" + new string('x', 2000) + "\"}";

        var result = evaluator.Evaluate(EvaluationInput.FromText(text) with { ResponseFormat = ResponseFormat.JsonObject });

        Assert.Null(result.JsonInvalid);
        Assert.Contains("not judged", result.JsonDetail, StringComparison.Ordinal);
    }

    [Fact]
    public void FromRequest_OpenAiShapes_ReadsFormat()
    {
        var schema = ResponseFormat.FromRequest(JsonNode.Parse("""{"type":"json_schema","json_schema":{"name":"p","schema":{"type":"object"},"strict":true}}"""));

        Assert.Equal(ResponseFormatKind.JsonSchema, schema.Kind);
        Assert.Equal("""{"type":"object"}""", schema.SchemaText);
        Assert.Equal(ResponseFormat.JsonObject, ResponseFormat.FromRequest(JsonNode.Parse("""{"type":"json_object"}""")));
        Assert.Equal(ResponseFormat.JsonObject, ResponseFormat.FromRequest(JsonNode.Parse("""{"type":"json_schema"}""")));
        Assert.Equal(ResponseFormat.Text, ResponseFormat.FromRequest(JsonNode.Parse("""{"type":"text"}""")));
        Assert.Equal(ResponseFormat.Text, ResponseFormat.FromRequest(JsonNode.Parse("""{"type":7}""")));
        Assert.Equal(ResponseFormat.Text, ResponseFormat.FromRequest(JsonNode.Parse("[]")));
        Assert.Equal(ResponseFormat.Text, ResponseFormat.FromRequest(null));
    }

    [Fact]
    public void FromTextFormat_ResponsesApiShapes_ReadsFormatWithTheSchemaBesideTheType()
    {
        var schema = ResponseFormat.FromTextFormat(JsonNode.Parse("""{"type":"json_schema","name":"p","schema":{"type":"object"},"strict":true}"""));

        Assert.Equal(ResponseFormatKind.JsonSchema, schema.Kind);
        Assert.Equal("""{"type":"object"}""", schema.SchemaText);
        Assert.Equal(ResponseFormat.JsonObject, ResponseFormat.FromTextFormat(JsonNode.Parse("""{"type":"json_object"}""")));
        Assert.Equal(ResponseFormat.JsonObject, ResponseFormat.FromTextFormat(JsonNode.Parse("""{"type":"json_schema","json_schema":{"schema":{"type":"object"}}}""")));
        Assert.Equal(ResponseFormat.Text, ResponseFormat.FromTextFormat(JsonNode.Parse("""{"type":"text"}""")));
        Assert.Equal(ResponseFormat.Text, ResponseFormat.FromTextFormat(JsonNode.Parse("""{"type":7}""")));
        Assert.Equal(ResponseFormat.Text, ResponseFormat.FromTextFormat(null));
    }
}
