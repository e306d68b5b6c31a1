namespace Switchback.Bench.Detection;

/// <summary>
/// Flagger-style: every interval, the candidate's error rate and p99 latency over that interval are checked
/// against fixed thresholds; a failed check adds to a counter that is never reset during the analysis, and the
/// canary is rolled back when it reaches 5 (Flagger's <c>threshold</c>). Thresholds are what a Flagger user sets
/// with headroom over the stable version's known levels: error rate ≤ 2 % (stable 1 % + 1 point) and
/// p99 ≤ 1.25 × the stable p99. An interval in which the candidate served nothing is not a check.
/// </summary>
internal sealed class FlaggerMethod(int intervalSeconds) : IMethod
{
    private const int FailedChecksToRollback = 5;
    private const double MaxErrorRate = 0.02;
    private static readonly double MaxP99 = 1.25 * Scenario.BaselineP99;
    private readonly Histogram _interval = new();
    private long _requests;
    private long _errors;
    private int _failed;

    public bool Observe(Second second, World world)
    {
        _requests += second.CandidateRequests;
        _errors += second.CandidateErrors;
        for (var i = 0; i < second.CandidateRequests; i++)
        {
            _interval.Add(Histogram.BucketOf(second.CandidateLatencies[i]));
        }

        if ((second.Index + 1) % intervalSeconds != 0)
        {
            return false;
        }

        if (_requests > 0 && ((double)_errors / _requests > MaxErrorRate || _interval.Quantile(0.99) > MaxP99))
        {
            _failed++;
        }

        _requests = 0;
        _errors = 0;
        _interval.Clear();
        return _failed >= FailedChecksToRollback;
    }
}
