using System.Diagnostics;
using System.Text;
using Switchback.Core.OnlineEvaluators;

namespace Switchback.Core.Tests.OnlineEvaluators;

public sealed class AdversarialInputTests
{
    // Generous bounds: they catch a hang or a quadratic scan, not a slow CI machine.
    private static readonly TimeSpan Quick = TimeSpan.FromSeconds(5);

    [Fact]
    public void Evaluate_TenMegabyteAnswer_ScansOnlyTheCapQuickly()
    {
        var evaluator = new ResponseEvaluator(EvaluatorOptions.Default);
        // A violation past the cap is not seen: proof that only the cap was scanned.
        var text = new string('a', 10 * 1024 * 1024) + " jane@example.com";

        var clock = Stopwatch.StartNew();
        var result = evaluator.Evaluate(EvaluationInput.FromText(text) with { ResponseFormat = ResponseFormat.JsonObject });
        clock.Stop();

        Assert.True(result.ScannedPartially);
        Assert.Equal(text.Length, result.ResponseLength);
        Assert.Equal(0, result.SafetyViolations);
        Assert.Null(result.JsonInvalid); // over json.max_bytes: not judged
        Assert.False(result.Empty);
        Assert.True(clock.Elapsed < Quick, $"took {clock.Elapsed}");
    }

    [Fact]
    public void Evaluate_TenMegabyteUtf8Answer_DecodesOnlyThePrefix()
    {
        var evaluator = new ResponseEvaluator(EvaluatorOptions.Default with { MaxScanChars = 1000 });
        var bytes = Encoding.UTF8.GetBytes("Call (415) 555-2671. " + new string('é', 5 * 1024 * 1024));

        var clock = Stopwatch.StartNew();
        var result = evaluator.Evaluate(EvaluationInput.FromUtf8(bytes));
        clock.Stop();

        Assert.True(result.ScannedPartially);
        Assert.Equal(21 + (5 * 1024 * 1024), result.ResponseLength);
        Assert.Equal([DetectorNames.Phone], result.SafetyDetectors);
        Assert.True(clock.Elapsed < Quick, $"took {clock.Elapsed}");
    }

    [Fact]
    public void Evaluate_ViolationJustInsideCap_IsFound()
    {
        var evaluator = new ResponseEvaluator(EvaluatorOptions.Default with { MaxScanChars = 100, RefusalWindowChars = 100 });
        var text = new string(' ', 70) + "jane@example.com" + new string(' ', 1000);

        Assert.Equal([DetectorNames.Email], evaluator.Evaluate(EvaluationInput.FromText(text)).SafetyDetectors);
    }

    [Fact]
    public void Evaluate_InvalidUtf8Text_ScansWithReplacementCharacters()
    {
        var evaluator = new ResponseEvaluator(EvaluatorOptions.Default);
        byte[] bytes = [0xFF, 0xFE, .. Encoding.UTF8.GetBytes(" mail jane@example.com "), 0xC0, 0x80, 0xED, 0xA0, 0x80];

        var result = evaluator.Evaluate(EvaluationInput.FromUtf8(bytes));

        Assert.True(result.InvalidUtf8);
        Assert.Equal([DetectorNames.Email], result.SafetyDetectors);
        Assert.Null(result.JsonInvalid);
    }

    [Fact]
    public void Evaluate_CatastrophicPattern_RunsOnTheLinearEngineAndFinishes()
    {
        var evaluator = new ResponseEvaluator(EvaluatorOptions.Default with { DenyPatterns = [new DenyPattern("nested", "(a+)+$")] });
        var text = new string('a', 100_000) + "!";

        var clock = Stopwatch.StartNew();
        var result = evaluator.Evaluate(EvaluationInput.FromText(text));
        clock.Stop();

        Assert.Equal(0, evaluator.BacktrackingPatternCount);
        Assert.Equal(0, result.SafetyViolations);
        Assert.Equal(0, result.EvaluatorTimeouts);
        Assert.True(clock.Elapsed < Quick, $"took {clock.Elapsed}");
        Assert.Equal(["deny.nested"], evaluator.Evaluate(EvaluationInput.FromText("aaaa")).SafetyDetectors);
    }

    [Fact]
    public void Evaluate_CatastrophicBacktrackingPattern_TimesOutAndIsCounted()
    {
        // The lookahead forces the backtracking engine, where this pattern is exponential.
        var options = EvaluatorOptions.Default with
        {
            DenyPatterns = [new DenyPattern("nested", "^(a+)+(?=b)"), new DenyPattern("secret", "(?<!x)secret")],
            // Far above what the simple pattern needs even on a loaded machine; the nested one needs 2^5000 steps.
            PatternTimeout = TimeSpan.FromMilliseconds(250),
        };
        var evaluator = new ResponseEvaluator(options);

        var clock = Stopwatch.StartNew();
        var result = evaluator.Evaluate(EvaluationInput.FromText(new string('a', 5_000) + "! secret"));
        clock.Stop();

        Assert.Equal(2, evaluator.BacktrackingPatternCount);
        Assert.Equal(1, result.EvaluatorTimeouts);
        Assert.Equal(["deny.secret"], result.SafetyDetectors); // the other patterns still ran
        Assert.True(clock.Elapsed < Quick, $"took {clock.Elapsed}");
    }

    [Fact]
    public void Evaluate_EmptyAndBlankAnswers_AreEmpty()
    {
        var evaluator = new ResponseEvaluator(EvaluatorOptions.Default);

        Assert.True(evaluator.Evaluate(EvaluationInput.FromText(string.Empty)).Empty);
        Assert.True(evaluator.Evaluate(EvaluationInput.FromText(" \n\t\u200B\uFEFF ")).Empty);
        Assert.True(evaluator.Evaluate(EvaluationInput.FromUtf8(ReadOnlyMemory<byte>.Empty)).Empty);
        Assert.False(evaluator.Evaluate(EvaluationInput.FromText(" . ")).Empty);
        Assert.Equal(0, evaluator.Evaluate(EvaluationInput.FromText(string.Empty)).ResponseLength);
    }

    [Fact]
    public void Evaluate_SurrogatePairAtTheCap_IsNotSplit()
    {
        var evaluator = new ResponseEvaluator(EvaluatorOptions.Default with { MaxScanChars = 5, RefusalWindowChars = 5 });

        var result = evaluator.Evaluate(EvaluationInput.FromText("abcd😀efgh"));

        Assert.True(result.ScannedPartially);
        Assert.Equal(10, result.ResponseLength);
    }
}
