namespace Switchback.UpstreamSim;

/// <summary>Request counters of one simulator; thread-safe (lock-free <see cref="Interlocked"/> increments).</summary>
public sealed class SimStats
{
    private readonly long[] _byEndpoint = new long[Enum.GetValues<SimEndpoint>().Length];
    private readonly long[] _errorsByEndpoint = new long[Enum.GetValues<SimEndpoint>().Length];
    private readonly long[] _byOutcome = new long[Enum.GetValues<SimOutcome>().Length];

    /// <summary>Requests received on any path.</summary>
    public long Requests
    {
        get
        {
            long sum = 0;
            for (var i = 0; i < _byEndpoint.Length; i++)
            {
                sum += Volatile.Read(ref _byEndpoint[i]);
            }

            return sum;
        }
    }

    /// <summary>Injected failures on any path: 5xx, 507 and connection resets.</summary>
    public long Errors => Count(SimOutcome.ServerError) + Count(SimOutcome.ConnectionReset) + Count(SimOutcome.OutOfMemory);

    /// <summary>Requests received on one endpoint.</summary>
    public long RequestsTo(SimEndpoint endpoint) => Volatile.Read(ref _byEndpoint[(int)endpoint]);

    /// <summary>Injected failures (5xx, 507, resets) on one endpoint.</summary>
    public long ErrorsFrom(SimEndpoint endpoint) => Volatile.Read(ref _errorsByEndpoint[(int)endpoint]);

    /// <summary>Requests that ended with one outcome.</summary>
    public long Count(SimOutcome outcome) => Volatile.Read(ref _byOutcome[(int)outcome]);

    internal void Received(SimEndpoint endpoint) => Interlocked.Increment(ref _byEndpoint[(int)endpoint]);

    internal void Completed(SimEndpoint endpoint, SimOutcome outcome)
    {
        Interlocked.Increment(ref _byOutcome[(int)outcome]);
        if (outcome is SimOutcome.ServerError or SimOutcome.ConnectionReset or SimOutcome.OutOfMemory)
        {
            Interlocked.Increment(ref _errorsByEndpoint[(int)endpoint]);
        }
    }
}
