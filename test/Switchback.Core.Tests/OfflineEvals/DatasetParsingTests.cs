using System.Text;
using Switchback.Core.OfflineEvals;
using Switchback.Core.OfflineEvals.Scorers;

namespace Switchback.Core.Tests.OfflineEvals;

public sealed class DatasetParsingTests
{
    private static EvalDataset Valid(string text)
    {
        var result = EvalDataset.Parse(text);
        Assert.True(result.IsValid, string.Join("\n", result.Errors));
        return result.Dataset!;
    }

    private static EvalDatasetError SingleError(string text)
    {
        var result = EvalDataset.Parse(text);
        Assert.Null(result.Dataset);
        return Assert.Single(result.Errors);
    }

    [Fact]
    public void Parse_DefaultsLineAndCases_AppliesDefaultsAndKeepsOrder()
    {
        var dataset = Valid("""
            {"defaults": {"scorer": {"type": "contains", "ignore_case": true}, "variables": {"company": "Acme"}, "pass_threshold": 0.8}}

            {"id": "a", "prompt": "What is 2+2?", "expected": "4"}
            {"id": "b", "messages": [{"role": "system", "content": "be brief"}, {"role": "user", "content": "Hi"}], "variables": {"tone": "dry"}, "expected": "hello", "scorer": {"type": "exact", "trim": false}}
            """);
        Assert.Equal(["a", "b"], dataset.Cases.Select(c => c.Id));
        Assert.Equal(0.8, dataset.PassThreshold);
        Assert.Equal(new ContainsScorer(Any: false, IgnoreCase: true), dataset.Cases[0].Scorer);
        Assert.Equal(new ExactScorer(Trim: false), dataset.Cases[1].Scorer);
        Assert.Equal("What is 2+2?", dataset.Cases[0].Question);
        Assert.Equal(3, dataset.Cases[0].Line);
        Assert.Equal(["company", "tone"], dataset.Cases[1].Variables.Keys.Order());
        Assert.Equal("Hi", dataset.Cases[1].Question);
    }

    [Fact]
    public void Parse_SameBytes_SameDigest_AnyChangeChangesIt()
    {
        const string text = "{\"id\":\"a\",\"prompt\":\"x\",\"scorer\":{\"type\":\"regex\",\"pattern\":\"x\"}}\n";
        Assert.Equal(Valid(text).Digest, Valid(text).Digest);
        Assert.NotEqual(Valid(text).Digest, Valid(text + "\n").Digest);
        Assert.Matches("^sha256:[0-9a-f]{64}$", Valid(text).Digest);
    }

    [Theory]
    [InlineData("{\"id\":\"a\",\"prompt\":\"x\"}", 1, "scorer", "required field is missing")]
    [InlineData("{\"id\":\"a\",\"prompt\":\"x\",\"scorer\":{\"type\":\"fuzzy\"}}", 1, "scorer.type", "'fuzzy' is not a scorer type")]
    [InlineData("{\"prompt\":\"x\",\"scorer\":{\"type\":\"regex\",\"pattern\":\"x\"}}", 1, "id", "required field is missing")]
    [InlineData("{\"id\":7,\"prompt\":\"x\",\"scorer\":{\"type\":\"regex\",\"pattern\":\"x\"}}", 1, "id", "got a number")]
    [InlineData("{\"id\":\"a\",\"scorer\":{\"type\":\"regex\",\"pattern\":\"x\"}}", 1, "prompt", "expected prompt (text) or messages")]
    [InlineData("{\"id\":\"a\",\"prompt\":\"x\",\"messages\":[],\"scorer\":{\"type\":\"regex\",\"pattern\":\"x\"}}", 1, "messages", "not both")]
    [InlineData("{\"id\":\"a\",\"messages\":[{\"role\":\"wizard\",\"content\":\"x\"}],\"scorer\":{\"type\":\"regex\",\"pattern\":\"x\"}}", 1, "messages[0].role", "'wizard' is not a role")]
    [InlineData("{\"id\":\"a\",\"prompt\":\"x\",\"scorer\":{\"type\":\"exact\"}}", 1, "expected", "required by the exact scorer")]
    [InlineData("{\"id\":\"a\",\"prompt\":\"x\",\"expected\":\"four\",\"scorer\":{\"type\":\"numeric\"}}", 1, "expected", "needs a number")]
    [InlineData("{\"id\":\"a\",\"prompt\":\"x\",\"expected\":[],\"scorer\":{\"type\":\"contains\"}}", 1, "expected", "non-empty list")]
    [InlineData("{\"id\":\"a\",\"prompt\":\"x\",\"scorer\":{\"type\":\"regex\",\"pattern\":\"(unclosed\"}}", 1, "scorer.pattern", "not a valid .NET regular expression")]
    [InlineData("{\"id\":\"a\",\"prompt\":\"x\",\"scorer\":{\"type\":\"json_schema\",\"schema\":{\"$ref\":\"file:///etc/passwd\"}}}", 1, "scorer.schema", "could not be compiled")]
    [InlineData("{\"id\":\"a\",\"prompt\":\"x\",\"expected\":1,\"scorer\":{\"type\":\"numeric\",\"path\":\"items[0]\"}}", 1, "scorer.path", "not a supported JSON path")]
    [InlineData("{\"id\":\"a\",\"prompt\":\"x\",\"expected\":1,\"scorer\":{\"type\":\"numeric\",\"abs_tol\":-1}}", 1, "scorer.abs_tol", "expected a number from 0")]
    [InlineData("{\"id\":\"a\",\"prompt\":\"x\",\"scorer\":{\"type\":\"judge\",\"deployment\":\"Judge Bot\",\"rubric\":\"r\"}}", 1, "scorer.deployment", "not a valid name")]
    [InlineData("{\"id\":\"a\",\"prompt\":\"x\",\"scorer\":{\"type\":\"judge\",\"deployment\":\"judge-bot\"}}", 1, "scorer.rubric", "required field is missing")]
    [InlineData("{\"id\":\"a\",\"prompt\":\"x\",\"scorer\":{\"type\":\"exact\",\"trim\":\"yes\"},\"expected\":\"y\"}", 1, "scorer.trim", "expected true or false")]
    [InlineData("{\"id\":\"a\",\"prompt\":\"x\",\"colour\":1,\"scorer\":{\"type\":\"regex\",\"pattern\":\"x\"}}", 1, "colour", "unknown field 'colour'")]
    [InlineData("{\"id\":\"a\",\"prompt\":\"x\",\"variables\":{\"v\":{\"deep\":1}},\"scorer\":{\"type\":\"regex\",\"pattern\":\"x\"}}", 1, "variables.v", "expected text, a number or true/false")]
    [InlineData("\n\n{\"id\":\"a\",\"prompt\":\"x\",\"scorer\":{\"type\":\"regex\",\"pattern\":\"x\"}", 3, "(line)", "invalid JSON")]
    [InlineData("[1,2]", 1, "(line)", "expected a JSON object, got a list")]
    [InlineData("{\"id\":\"a\",\"id\":\"b\",\"prompt\":\"x\",\"scorer\":{\"type\":\"regex\",\"pattern\":\"x\"}}", 1, "(line)", "invalid JSON")]
    [InlineData("{\"id\":\"a\",\"prompt\":\"x\",\"scorer\":{\"type\":\"regex\",\"pattern\":\"x\"}}\n{\"defaults\":{}}", 2, "defaults", "must come before every case")]
    [InlineData("{\"defaults\":{\"pass_threshold\":2}}\n{\"id\":\"a\",\"prompt\":\"x\",\"scorer\":{\"type\":\"regex\",\"pattern\":\"x\"}}", 1, "defaults.pass_threshold", "from 0 to 1")]
    [InlineData("", 0, "(line)", "the dataset has no cases")]
    [InlineData("  \n\t\n", 0, "(line)", "the dataset has no cases")]
    public void Parse_BadLine_NamesLineFieldAndExpectation(string text, int line, string field, string fragment)
    {
        var error = SingleError(text);
        Assert.Equal(line, error.Line);
        Assert.Equal(field, error.Field);
        Assert.Contains(fragment, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_DuplicateIds_NamesTheSecondLine()
    {
        var error = SingleError("""
            {"id":"a","prompt":"x","scorer":{"type":"regex","pattern":"x"}}
            {"id":"a","prompt":"y","scorer":{"type":"regex","pattern":"y"}}
            """);
        Assert.Equal((2, "id"), (error.Line, error.Field));
        Assert.Contains("duplicate id 'a'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_ErrorsOnSeveralLines_ReportsEveryOne()
    {
        var result = EvalDataset.Parse("""
            {"id":"a","prompt":"x"}
            not json
            {"id":"c","prompt":"x","scorer":{"type":"regex","pattern":"x"}}
            {"id":"d","prompt":5,"scorer":{"type":"regex","pattern":"x"}}
            """);
        Assert.Equal([1, 2, 4], result.Errors.Select(e => e.Line));
        Assert.Null(result.Dataset);
    }

    [Fact]
    public void Parse_InvalidUtf8_NamesLineAndColumn()
    {
        var bytes = Encoding.UTF8.GetBytes("{\"id\":\"a\",\"prompt\":\"x\",\"scorer\":{\"type\":\"regex\",\"pattern\":\"x\"}}\n{\"id\":\"b\",\"prompt\":\"")
            .Concat(new byte[] { 0xC3, 0x28 }).Concat(Encoding.UTF8.GetBytes("\"}")).ToArray();
        var error = Assert.Single(EvalDataset.Parse(bytes).Errors);
        Assert.Equal((2, "(line)"), (error.Line, error.Field));
        Assert.Contains("not valid UTF-8 (bad byte sequence at column 21)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_TenMegabyteLine_IsRefusedWithItsSize()
    {
        var huge = "{\"id\":\"a\",\"prompt\":\"" + new string('x', 10 * 1000 * 1000) + "\",\"scorer\":{\"type\":\"regex\",\"pattern\":\"x\"}}";
        var error = SingleError(huge);
        Assert.Equal((1, "(line)"), (error.Line, error.Field));
        Assert.Contains("the limit is 1048576 bytes (1 MiB)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_OverTheDatasetLimit_IsRefusedAsAWhole()
    {
        var error = SingleError(new string('\n', EvalDataset.MaxBytes + 1));
        Assert.Equal(0, error.Line);
        Assert.Contains("the limit is 10485760 bytes", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_CrLfAndBom_AreAccepted()
    {
        var dataset = Valid("\uFEFF{\"id\":\"a\",\"prompt\":\"x\",\"scorer\":{\"type\":\"regex\",\"pattern\":\"x\"}}\r\n\r\n{\"id\":\"b\",\"prompt\":\"y\",\"scorer\":{\"type\":\"regex\",\"pattern\":\"y\"}}\r\n");
        Assert.Equal([1, 3], dataset.Cases.Select(c => c.Line));
    }
}
