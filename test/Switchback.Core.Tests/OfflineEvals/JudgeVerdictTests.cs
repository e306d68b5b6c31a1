using Switchback.Core.OfflineEvals;

namespace Switchback.Core.Tests.OfflineEvals;

public sealed class JudgeVerdictTests
{
    [Theory]
    [InlineData("PASS", 1)]
    [InlineData("  PASS\n", 1)]
    [InlineData("FAIL", 0)]
    [InlineData("""{"score": 0.75, "reason": "mostly right"}""", 0.75)]
    [InlineData("""{"score": 1}""", 1)]
    [InlineData("""{"score": 0}""", 0)]
    public void Parse_ContractVerdict_GivesItsScore(string text, double score)
    {
        var verdict = JudgeVerdict.Parse(text);
        Assert.Equal(score, verdict.Score);
        Assert.DoesNotContain(JudgeVerdict.Unparseable, verdict.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_JsonVerdict_KeepsTheJudgesReason()
        => Assert.Equal("judge: mostly right", JudgeVerdict.Parse("""{"score":0.75,"reason":"mostly right"}""").Reason);

    [Theory]
    [InlineData("pass")]
    [InlineData("PASS.")]
    [InlineData("PASS - the answer is right")]
    [InlineData("Verdict: PASS")]
    [InlineData("I think this deserves a PASS")]
    [InlineData("""{"score": 1.5, "reason": "great"}""")]
    [InlineData("""{"score": -0.1}""")]
    [InlineData("""{"score": "0.9"}""")]
    [InlineData("""{"reason": "no score"}""")]
    [InlineData("""{"score": 0.9, "reason": "ok"} And that is my verdict.""")]
    [InlineData("""Here is my verdict: {"score": 0.9}""")]
    [InlineData("""```json\n{"score": 0.9}\n```""")]
    [InlineData("""{"score": 0.9, "confidence": 1}""")]
    [InlineData("""{"score": 0.9, "score": 1}""")]
    [InlineData("""{"score": 0.9, "reason": 5}""")]
    [InlineData("""[{"score": 0.9}]""")]
    [InlineData("""{"score": NaN}""")]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("\u0000\u0001garbage")]
    [InlineData(null)]
    public void Parse_AnythingElse_ScoresZeroAsUnparseable(string? text)
    {
        var verdict = JudgeVerdict.Parse(text);
        Assert.Equal(0, verdict.Score);
        Assert.StartsWith(JudgeVerdict.Unparseable, verdict.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_HugeVerdict_IsUnparseableWithoutReadingIt()
        => Assert.StartsWith(JudgeVerdict.Unparseable, JudgeVerdict.Parse("{\"score\":1,\"reason\":\"" + new string('x', 1_000_000) + "\"}").Reason, StringComparison.Ordinal);
}
