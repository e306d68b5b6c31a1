namespace Switchback.Bench.Detection;

/// <summary>What one simulated second produced; its buffers are reused between seconds.</summary>
internal sealed class Second
{
    public int Index { get; set; }

    public long BaselineRequests { get; set; }

    public long BaselineErrors { get; set; }

    public long CandidateRequests { get; set; }

    public long CandidateErrors { get; set; }

    public double[] BaselineLatencies { get; } = new double[4096];

    public double[] CandidateLatencies { get; } = new double[4096];
}
