using System.Diagnostics;
using Switchback.Core.OfflineEvals;
using Switchback.Core.OfflineEvals.Scorers;

namespace Switchback.Core.Tests.OfflineEvals;

public sealed class ScorerTests
{
    private static EvalCase Case(string line)
    {
        var result = EvalDataset.Parse(line);
        Assert.True(result.IsValid, string.Join("\n", result.Errors));
        return Assert.Single(result.Dataset!.Cases);
    }

    private static CaseScore Score(string line, string answer)
    {
        var c = Case(line);
        return ((LocalScorer)c.Scorer).Score(c, answer);
    }

    [Theory]
    [InlineData("""{"type":"exact"}""", "Paris", "  Paris\n", 1)]
    [InlineData("""{"type":"exact","trim":false}""", "Paris", "Paris ", 0)]
    [InlineData("""{"type":"exact"}""", "Paris", "paris", 0)]
    [InlineData("""{"type":"exact","ignore_case":true}""", "Paris", "PARIS", 1)]
    [InlineData("""{"type":"exact"}""", "Paris", "", 0)]
    [InlineData("""{"type":"exact"}""", "Paris", "Pa\u0000ris", 0)]
    public void Exact_Answers_ScoreOneOnlyOnMatch(string scorer, string expected, string answer, double score)
        => Assert.Equal(score, Score($$"""{"id":"a","prompt":"q","expected":"{{expected}}","scorer":{{scorer}}}""", answer).Score);

    [Fact]
    public void Exact_NumberExpected_ComparesItsText()
        => Assert.Equal(1, Score("""{"id":"a","prompt":"q","expected":42,"scorer":{"type":"exact"}}""", "42").Score);

    [Fact]
    public void Contains_All_GivesPartialCreditAndNamesTheMissing()
    {
        var result = Score("""{"id":"a","prompt":"q","expected":["alpha","beta","gamma","delta"],"scorer":{"type":"contains"}}""", "alpha and gamma");
        Assert.Equal(0.5, result.Score);
        Assert.Contains("missing \"beta\" and 1 more", result.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("ALPHA", 0)]
    [InlineData("nothing here", 0)]
    [InlineData("beta!", 1)]
    public void Contains_Any_NeedsOne(string answer, double score)
        => Assert.Equal(score, Score("""{"id":"a","prompt":"q","expected":["alpha","beta"],"scorer":{"type":"contains","mode":"any"}}""", answer).Score);

    [Fact]
    public void Contains_IgnoreCase_MatchesAcrossCase()
        => Assert.Equal(1, Score("""{"id":"a","prompt":"q","expected":"Answer to:","scorer":{"type":"contains","ignore_case":true}}""", "answer TO: x").Score);

    [Fact]
    public void Contains_BadMode_IsAParseError()
        => Assert.Contains(EvalDataset.Parse("""{"id":"a","prompt":"q","expected":"x","scorer":{"type":"contains","mode":"most"}}""").Errors, e => e.Field == "scorer.mode");

    [Fact]
    public void Regex_CatastrophicPattern_RunsLinearOnAHugeAnswer()
    {
        var c = Case("""{"id":"a","prompt":"q","scorer":{"type":"regex","pattern":"^(a+)+$"}}""");
        var scorer = (RegexScorer)c.Scorer;
        Assert.False(scorer.Backtracking);
        var watch = Stopwatch.StartNew();
        var result = scorer.Score(c, new string('a', 100_000) + "!");
        Assert.Equal(0, result.Score);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5), watch.Elapsed.ToString());
    }

    [Fact]
    public void Regex_BacktrackingPatternThatTimesOut_ScoresZeroWithTheReason()
    {
        // A backreference forces the backtracking engine; nested quantifiers before it make it exponential.
        var scorer = RegexScorer.Create(@"^(\w+\s?)*(x)\2$", ignoreCase: false, TimeSpan.FromMilliseconds(1), out var error);
        Assert.Null(error);
        Assert.True(scorer!.Backtracking);
        var c = Case("""{"id":"a","prompt":"q","scorer":{"type":"regex","pattern":"a"}}""");
        var result = scorer.Score(c, new string('a', 5000) + " " + new string('b', 5000) + "!");
        Assert.Equal(0, result.Score);
        Assert.Contains("timed out", result.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("The capital is Paris.", 1)]
    [InlineData("the capital is paris", 1)]
    [InlineData("It is London.", 0)]
    public void Regex_IgnoreCase_Matches(string answer, double score)
        => Assert.Equal(score, Score("""{"id":"a","prompt":"q","scorer":{"type":"regex","pattern":"\\bparis\\b","ignore_case":true}}""", answer).Score);

    private const string SchemaCase = """{"id":"a","prompt":"q","scorer":{"type":"json_schema","schema":{"type":"object","required":["answer"],"properties":{"answer":{"type":"string","pattern":"(a+)+$"}}}}}""";

    [Theory]
    [InlineData("""{"answer":"yes"}""", 1, "conforming")]
    [InlineData("""{"answer":5}""", 0, "does not conform")]
    [InlineData("""{}""", 0, "does not conform")]
    [InlineData("""```json\n{"answer":"yes"}\n```""", 0, "not valid JSON")]
    [InlineData("""{"answer":"yes"} trailing""", 0, "not valid JSON")]
    [InlineData("""{"answer":"yes",}""", 0, "not valid JSON")]
    [InlineData("", 0, "not valid JSON")]
    public void JsonSchema_Answers_ScoreByValidityAndConformance(string answer, double score, string reason)
    {
        var result = Score(SchemaCase, answer.Replace("\\n", "\n", StringComparison.Ordinal));
        Assert.Equal(score, result.Score);
        Assert.Contains(reason, result.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void JsonSchema_DeeplyNestedAnswer_IsInvalidNotAStackOverflow()
    {
        var deep = new string('[', 100_000) + new string(']', 100_000);
        Assert.Equal(0, Score(SchemaCase, deep).Score);
    }

    [Theory]
    [InlineData("The total is 41.99 dollars", 1)]
    [InlineData("Total: 1,042.00 (approx)", 0)]
    [InlineData("about 42.5", 1)]
    [InlineData("forty-two", 0)]
    [InlineData("-42", 0)]
    [InlineData("1e400", 0)]
    public void Numeric_FirstNumber_WithinAbsoluteTolerance(string answer, double score)
        => Assert.Equal(score, Score("""{"id":"a","prompt":"q","expected":42,"scorer":{"type":"numeric","abs_tol":0.5}}""", answer).Score);

    [Theory]
    [InlineData("""{"items":[{"price":99.0}]}""", 1)]
    [InlineData("""{"items":[{"price":"100"}]}""", 0)]
    [InlineData("""{"items":[]}""", 0)]
    [InlineData("""price 100""", 0)]
    [InlineData("""{"items":[{"price":111}]}""", 0)]
    public void Numeric_JsonPath_WithinRelativeTolerance(string answer, double score)
        => Assert.Equal(score, Score("""{"id":"a","prompt":"q","expected":100,"scorer":{"type":"numeric","path":"$.items[0].price","rel_tol":0.1}}""", answer).Score);

    [Fact]
    public void Numeric_ManyDigitsAnswer_IsLinear()
    {
        var watch = Stopwatch.StartNew();
        var result = Score("""{"id":"a","prompt":"q","expected":1,"scorer":{"type":"numeric"}}""", string.Concat(Enumerable.Repeat("1,23", 200_000)));
        Assert.Equal(0, result.Score);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5), watch.Elapsed.ToString());
    }
}
