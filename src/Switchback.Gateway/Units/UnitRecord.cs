namespace Switchback.Gateway.Units;

/// <summary>
/// One closed unit: which arm its key was assigned to and with what probability (the candidate weight when its first request
/// came), and what its requests showed — for a request unit, failure classes as bits (bit k-1 for <c>RequestOutcome</c> k:
/// 5xx, timeout, connect, OOM), its slowest successful request and slowest time to first token (NaN when none); for an
/// evaluation or feedback unit, the <see cref="UnitFlags"/> of its one answer or vote.
/// </summary>
/// <param name="Second">The Unix second in which the unit closed (the interval it is counted in).</param>
/// <param name="Version">The version of the arm its key was assigned to.</param>
/// <param name="Candidate">Whether that arm is the candidate.</param>
/// <param name="WeightBps">The candidate weight when the unit began: its assignment probability in basis points.</param>
/// <param name="Failures">The failure classes its requests had, as bits; for an evaluation or feedback unit, its <see cref="UnitFlags"/>.</param>
/// <param name="MaxLatencyMs">Its slowest successful request, in milliseconds; NaN when none succeeded.</param>
/// <param name="MaxTtftMs">Its slowest time to first token, in milliseconds; NaN when it streamed nothing.</param>
/// <param name="Requests">How many requests it holds.</param>
/// <param name="KeyHash">The salted key hash (0 for a request without a key): what deduplicates units across replicas.</param>
/// <param name="PriorBps">
/// 0 for a key's first unit; for a later one, the highest weight at which the key was seen on the baseline (w₀): all that was
/// known of its bucket when the unit began, so its assignment probability is (w − w₀)/(1 − w₀). Units are grouped by
/// (<paramref name="WeightBps"/>, <paramref name="PriorBps"/>): the same probability within a group.
/// </param>
/// <param name="Kind">The stream the unit belongs to: requests, a key's first evaluated answer, or its first feedback.</param>
public readonly record struct UnitRecord(long Second, int Version, bool Candidate, int WeightBps, byte Failures, double MaxLatencyMs, double MaxTtftMs, int Requests, ulong KeyHash, int PriorBps = 0, UnitKind Kind = UnitKind.Requests)
{
    /// <summary>The group a unit's evidence is counted in: units with the same assignment probability.</summary>
    public long Group => ((long)WeightBps << 16) | (uint)PriorBps;

    /// <summary>Bit of failure class <paramref name="outcomeNumber"/> (1 = 5xx, 2 = timeout, 3 = connect, 4 = OOM).</summary>
    public static byte Bit(int outcomeNumber) => (byte)(1 << (outcomeNumber - 1));

    /// <summary>Whether any request failed in any way.</summary>
    public bool Failed => Failures != 0;
}
