namespace Switchback.Bench.Detection;

/// <summary>Cumulative data of one run, shared read-only by the methods.</summary>
internal sealed class World
{
    /// <summary>All baseline latencies up to and including the current second.</summary>
    public Histogram Baseline { get; } = new();

    /// <summary>All candidate latencies up to and including the current second.</summary>
    public Histogram Candidate { get; } = new();

    public long BaselineRequests { get; set; }

    public long BaselineErrors { get; set; }

    public long CandidateRequests { get; set; }

    public long CandidateErrors { get; set; }
}
