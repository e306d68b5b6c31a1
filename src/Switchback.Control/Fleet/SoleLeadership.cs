using Switchback.Storage.Fleet;

namespace Switchback.Control.Fleet;

/// <summary>
/// A process that always leads and fences nothing: for hosts that run one controller by construction (tests, the in-process
/// demo's store is the server's own). Thread-safe.
/// </summary>
internal sealed class SoleLeadership : ILeadership
{
    private readonly WorkSignal work = new();

    public bool IsLeader => true;

    public LeaderFence? Fence => null;

    public long Elections => 1;

    public void Lost(FencedException exception) => throw new InvalidOperationException("a sole leader's writes carry no fence", exception);

    public Task WaitForWorkAsync(TimeSpan timeout, TimeProvider time, CancellationToken cancellationToken) => work.WaitAsync(timeout, time, cancellationToken);

    public void Poke() => work.Set();
}
