namespace Switchback.Bench.Detection;

/// <summary>One simulated world: the stable version's behaviour and how the candidate differs from it.</summary>
internal sealed record Scenario(string Name, double CandidateErrorRate, Func<double, double> CandidateLatency, bool IsRegression)
{
    public const double BaselineErrorRate = 0.01;
    public const double BaselineMedianMs = 400;
    public const double Sigma = 0.5;

    /// <summary>The stable version's true p98 and p99 latency (log-normal): 400 ms · exp(0.5 · z).</summary>
    public static readonly double BaselineP98 = BaselineMedianMs * Math.Exp(Sigma * 2.053749);
    public static readonly double BaselineP99 = BaselineMedianMs * Math.Exp(Sigma * 2.326348);

    public static IReadOnlyList<Scenario> All { get; } =
    [
        new("A/A", BaselineErrorRate, x => x, IsRegression: false),
        new("errors 1 %→2 %", 0.02, x => x, IsRegression: true),
        new("errors 1 %→5 %", 0.05, x => x, IsRegression: true),
        new("median latency +20 %", BaselineErrorRate, x => x * 1.2, IsRegression: true),
        // Every latency above the stable p98 doubles: the candidate's p99 is twice the stable p99, its body unchanged.
        new("p99 tail ×2", BaselineErrorRate, x => x > BaselineP98 ? 2 * x : x, IsRegression: true),
    ];
}
