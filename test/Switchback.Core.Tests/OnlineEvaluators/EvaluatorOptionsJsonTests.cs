using System.Text.Json.Nodes;
using Switchback.Core.OnlineEvaluators;

namespace Switchback.Core.Tests.OnlineEvaluators;

public sealed class EvaluatorOptionsJsonTests
{
    private static JsonObject Parse(string json) => JsonNode.Parse(json)!.AsObject();

    [Fact]
    public void FromJson_EmptySection_KeepsDefaults()
    {
        var options = EvaluatorOptions.FromJson(new JsonObject());

        Assert.Equal(EvaluatorOptions.Default.SampleRate, options.SampleRate);
        Assert.Equal(EvaluatorOptions.Default.MaxScanChars, options.MaxScanChars);
        Assert.Equal(EvaluatorOptions.DefaultRefusalPhrases, options.RefusalPhrases);
        Assert.True(options.DetectEmails && options.DetectPhoneNumbers && options.DetectPaymentCards && options.DetectRefusals);
        Assert.Empty(options.DenyPatterns);
    }

    [Fact]
    public void FromJson_FullSection_ReadsEveryField()
    {
        var options = EvaluatorOptions.FromJson(Parse("""
            {
              "sample_rate": 0.25,
              "max_scan_chars": 65536,
              "safety": {
                "pii": { "email": false, "phone": true, "payment_card": false },
                "deny": [
                  { "name": "internal-hosts", "pattern": "\\bcorp\\.acme\\.internal\\b", "ignore_case": true },
                  { "name": "api-keys", "pattern": "sk-[A-Za-z0-9]{20,}" }
                ],
                "pattern_timeout_ms": 25
              },
              "refusal": { "enabled": true, "phrases": ["I won't"], "include_default_phrases": false, "window_chars": 300 },
              "json": { "max_depth": 64, "max_bytes": 100000, "schema_cache_size": 16 }
            }
            """));

        Assert.Equal(0.25, options.SampleRate);
        Assert.Equal(65536, options.MaxScanChars);
        Assert.False(options.DetectEmails);
        Assert.True(options.DetectPhoneNumbers);
        Assert.False(options.DetectPaymentCards);
        Assert.Equal([new DenyPattern("internal-hosts", @"\bcorp\.acme\.internal\b", true), new DenyPattern("api-keys", "sk-[A-Za-z0-9]{20,}")], options.DenyPatterns);
        Assert.Equal(TimeSpan.FromMilliseconds(25), options.PatternTimeout);
        Assert.Equal(["I won't"], options.RefusalPhrases);
        Assert.Equal(300, options.RefusalWindowChars);
        Assert.Equal(64, options.MaxJsonDepth);
        Assert.Equal(100000, options.MaxJsonBytes);
        Assert.Equal(16, options.SchemaCacheSize);

        var evaluator = new ResponseEvaluator(options);
        var result = evaluator.Evaluate(EvaluationInput.FromText("see WIKI.CORP.ACME.INTERNAL, key sk-abcdefghijklmnopqrstuvwxyz, I won't"));
        Assert.Equal(["deny.internal-hosts", "deny.api-keys"], result.SafetyDetectors);
        Assert.True(result.Refusal);
    }

    [Fact]
    public void FromJson_ExtraPhrases_AddToDefaults()
    {
        var options = EvaluatorOptions.FromJson(Parse("""{"refusal": {"phrases": ["I must decline"]}}"""));

        Assert.Contains("I must decline", options.RefusalPhrases);
        Assert.Contains("As an AI language model", options.RefusalPhrases);
    }

    [Theory]
    [InlineData("""{"sample_rate": 1.5}""", "evaluators.sample_rate", "0 to 1")]
    [InlineData("""{"sample_rate": "all"}""", "evaluators.sample_rate", "expected a number, found a string")]
    [InlineData("""{"max_scan_chars": 0}""", "evaluators.max_scan_chars", "out of range")]
    [InlineData("""{"max_scan_chars": 1.5}""", "evaluators.max_scan_chars", "whole number")]
    [InlineData("""{"sample_rat": 1}""", "evaluators.sample_rat", "unknown field")]
    [InlineData("""{"safety": []}""", "evaluators.safety", "expected a map, found a list")]
    [InlineData("""{"safety": {"pii": {"emails": true}}}""", "evaluators.safety.pii.emails", "unknown field")]
    [InlineData("""{"safety": {"pii": {"email": "yes"}}}""", "evaluators.safety.pii.email", "true or false")]
    [InlineData("""{"safety": {"deny": {"name": "x"}}}""", "evaluators.safety.deny", "expected a list")]
    [InlineData("""{"safety": {"deny": ["(a"]}}""", "evaluators.safety.deny[0]", "expected a map")]
    [InlineData("""{"safety": {"deny": [{"name": "x", "pattern": "(a"}]}}""", "evaluators.safety.deny[0].pattern", "not a valid .NET regular expression")]
    [InlineData("""{"safety": {"deny": [{"name": "x"}]}}""", "evaluators.safety.deny[0].pattern", "expected a string, found nothing")]
    [InlineData("""{"safety": {"deny": [{"name": "Bad Name", "pattern": "a"}]}}""", "evaluators.safety.deny[0].name", "not a valid name")]
    [InlineData("""{"safety": {"deny": [{"name": "x", "pattern": "a"}, {"name": "x", "pattern": "b"}]}}""", "evaluators.safety.deny[1].name", "unique")]
    [InlineData("""{"safety": {"deny": [{"name": "x", "pattern": ""}]}}""", "evaluators.safety.deny[0].pattern", "1..1000")]
    [InlineData("""{"safety": {"pattern_timeout_ms": 0}}""", "evaluators.safety.pattern_timeout_ms", "out of range")]
    [InlineData("""{"refusal": {"phrases": ["ok", 7]}}""", "evaluators.refusal.phrases[1]", "expected a string, found a number")]
    [InlineData("""{"refusal": {"phrases": ["   "]}}""", "evaluators.refusal.phrases[0]", "white space")]
    [InlineData("""{"refusal": {"window_chars": -1}}""", "evaluators.refusal.window_chars", "out of range")]
    [InlineData("""{"json": {"max_depth": 5000}}""", "evaluators.json.max_depth", "1..1000")]
    [InlineData("""{"json": {"max_bytes": 0}}""", "evaluators.json.max_bytes", "out of range")]
    [InlineData("""{"json": {"strict": true}}""", "evaluators.json.strict", "unknown field")]
    public void FromJson_BadField_NamesThePath(string json, string path, string message)
    {
        var error = Assert.Throws<EvaluatorOptionsException>(() => EvaluatorOptions.FromJson(Parse(json)));

        var match = Assert.Single(error.Errors, e => e.Path == path);
        Assert.Contains(message, match.Message, StringComparison.Ordinal);
        Assert.Contains(path, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FromJson_SeveralProblems_ReportsEach()
    {
        var error = Assert.Throws<EvaluatorOptionsException>(() => EvaluatorOptions.FromJson(Parse("""{"sample_rate": -1, "json": {"max_depth": 0}, "x": 1}""")));

        Assert.Equal(["evaluators.json.max_depth", "evaluators.sample_rate", "evaluators.x"], error.Errors.Select(e => e.Path).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void FromJson_CustomRoot_PrefixesPaths()
    {
        var error = Assert.Throws<EvaluatorOptionsException>(() => EvaluatorOptions.FromJson(Parse("""{"sample_rate": 2}"""), "deployment.evaluators"));

        Assert.Equal("deployment.evaluators.sample_rate", Assert.Single(error.Errors).Path);
    }

    [Fact]
    public void Constructor_InvalidOptionsInCode_Throws()
    {
        var error = Assert.Throws<EvaluatorOptionsException>(() => new ResponseEvaluator(EvaluatorOptions.Default with { DenyPatterns = [new DenyPattern("x", "[")] }));

        Assert.Equal("evaluators.safety.deny[0].pattern", Assert.Single(error.Errors).Path);
    }
}
