using Switchback.Core.OfflineEvals;

namespace Switchback.Core.Tests.OfflineEvals;

public sealed class EvalReportTests
{
    [Fact]
    public void Build_Cases_AggregatesOverallAndByScorer()
    {
        var dataset = EvalDataset.Parse("""{"id":"a","prompt":"q","scorer":{"type":"regex","pattern":"x"}}""").Dataset!;
        var now = new DateTimeOffset(2026, 3, 1, 10, 0, 0, TimeSpan.Zero);
        EvalCaseResult[] cases =
        [
            new("a", "regex", 1, true, "ok", 10, "x", false),
            new("b", "regex", 0, false, "no", 10, "y", false),
            new("c", "judge", 0.75, true, "judge: fine", 10, "z", false),
            new("d", "judge", 0, false, "HTTP 502", 10, string.Empty, true),
        ];
        var report = EvalReport.Build("bot", 2, "sha256:b", dataset, now, now.AddSeconds(1), cases);
        Assert.Equal(4, report.Aggregate.Count);
        Assert.Equal(1.75 / 4, report.Aggregate.MeanScore, 12);
        Assert.Equal(0.5, report.Aggregate.PassRate);
        Assert.Equal(1, report.Aggregate.Errors);
        Assert.Equal(["judge", "regex"], report.ByScorer.Keys);
        Assert.Equal(0.375, report.ByScorer["judge"].MeanScore);
        Assert.Equal(dataset.Digest, report.DatasetDigest);
    }

    [Fact]
    public void Excerpt_LongAnswer_IsCutWithoutSplittingASurrogatePair()
    {
        var answer = new string('a', EvalReport.AnswerExcerptChars - 1) + "😀" + "tail";
        var excerpt = EvalReport.Excerpt(answer);
        Assert.Equal(new string('a', EvalReport.AnswerExcerptChars - 1) + "…", excerpt);
        Assert.Equal("short", EvalReport.Excerpt("short"));
    }
}
