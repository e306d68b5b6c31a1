namespace Switchback.UpstreamSim.Faults;

/// <summary>
/// SplitMix64: a tiny, fast, well-mixed generator whose stream is fully determined by its 64-bit state,
/// so one is created per request from (seed, sequence) without locks or allocations.
/// </summary>
internal struct SimRandom(ulong state)
{
    private ulong _state = state;

    public static ulong Mix(ulong a, ulong b) => Finalize(a ^ (b * 0x9E3779B97F4A7C15UL) ^ 0xD1B54A32D192ED03UL);

    public ulong NextUInt64()
    {
        _state += 0x9E3779B97F4A7C15UL;
        return Finalize(_state);
    }

    /// <summary>Uniform in [0, 1).</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    public int NextInt(int maxExclusive) => (int)(NextDouble() * maxExclusive);

    /// <summary>Standard normal by Box–Muller; always consumes two draws.</summary>
    public double NextGaussian()
    {
        var u1 = 1.0 - NextDouble();
        var u2 = NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
    }

    private static ulong Finalize(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
