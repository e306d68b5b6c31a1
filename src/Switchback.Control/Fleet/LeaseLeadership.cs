using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Switchback.Storage.Fleet;

namespace Switchback.Control.Fleet;

/// <summary>
/// Leadership through the store's lease (docs/fleet.md "one leader"): a follower takes the lease once it has seen it unchanged
/// for <see cref="FleetOptions.LeaseDuration"/> on its own clock (or released, or at once where only one server can open the
/// store); the leader renews it every <see cref="FleetOptions.RenewInterval"/> and stops leading by itself when a whole lease
/// passes without a successful renewal. Every controller write carries the term as a fence, so a leader that was frozen and
/// resumes is refused by the store even before it notices. Thread-safe: the state is one immutable holder swapped atomically.
/// </summary>
internal sealed partial class LeaseLeadership(
    IFleetStore store,
    ReplicaIdentity identity,
    TimeProvider time,
    IOptions<FleetOptions> options,
    ILogger<LeaseLeadership> logger) : BackgroundService, ILeadership
{
    private readonly WorkSignal work = new();
    private Held? held;
    private long elections;
    private (LeaseRecord Lease, long SeenAt)? observed;

    public bool IsLeader => Current is not null;

    public LeaderFence? Fence => Current?.Fence;

    public long Elections => Interlocked.Read(ref elections);

    private Held? Current => Volatile.Read(ref held) is { } h && time.GetTimestamp() < h.ValidUntil ? h : null;

    public void Lost(FencedException exception)
    {
        if (Interlocked.Exchange(ref held, null) is { } was)
        {
            LogLost(logger, identity.Id, was.Fence.Term, exception.Message);
        }
    }

    public Task WaitForWorkAsync(TimeSpan timeout, TimeProvider clock, CancellationToken cancellationToken) => work.WaitAsync(timeout, clock, cancellationToken);

    public void Poke() => work.Set();

    /// <summary>One round of the election: renew while leading, else look at the lease and take it when it is free or expired.</summary>
    internal async Task StepAsync(CancellationToken ct)
    {
        var started = time.GetTimestamp();
        var duration = options.Value.LeaseDuration;
        if (Volatile.Read(ref held) is { } leading)
        {
            try
            {
                var renewed = await store.RenewLeaseAsync(leading.Fence, ct);
                if (renewed is null)
                {
                    Interlocked.CompareExchange(ref held, null, leading);
                    LogLost(logger, identity.Id, leading.Fence.Term, "the lease was taken over");
                }
                else
                {
                    Interlocked.CompareExchange(ref held, leading with { ValidUntil = started + Ticks(duration) }, leading);
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
            {
                LogRenewFailed(logger, ex, identity.Id);
                if (time.GetTimestamp() >= leading.ValidUntil)
                {
                    Interlocked.CompareExchange(ref held, null, leading);
                    LogLost(logger, identity.Id, leading.Fence.Term, "the lease could not be renewed in time");
                }
            }

            return;
        }

        var lease = await store.ReadLeaseAsync(ct);
        var takeNow = lease is null || lease.IsReleased || options.Value.TakeOverAtOnce || lease.Holder == identity.Id;
        if (!takeNow)
        {
            if (observed is not { } seen || seen.Lease != lease)
            {
                observed = (lease!, started);
                return;
            }

            if (time.GetElapsedTime(seen.SeenAt) < duration)
            {
                return;
            }
        }

        var taken = await store.TryTakeLeaseAsync(identity.Id, lease, ct);
        observed = null;
        if (taken is not null)
        {
            Volatile.Write(ref held, new Held(taken.Fence, started + Ticks(duration)));
            Interlocked.Increment(ref elections);
            LogElected(logger, identity.Id, taken.Term, lease?.Holder is { Length: > 0 } previous ? previous : "nobody");
            work.Set();
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        if (Interlocked.Exchange(ref held, null) is { } leading)
        {
            try
            {
                // Released, so a follower takes over at its next look instead of waiting out the lease.
                await store.ReleaseLeaseAsync(leading.Fence, cancellationToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogRenewFailed(logger, ex, identity.Id);
            }
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await StepAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                LogRenewFailed(logger, ex, identity.Id);
            }

            var wait = IsLeader ? options.Value.RenewInterval : options.Value.RetryInterval;
            try
            {
                await Task.Delay(wait, time, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private long Ticks(TimeSpan span) => (long)(span.TotalSeconds * time.TimestampFrequency);

    [LoggerMessage(Level = LogLevel.Information, Message = "Replica {Replica} leads the fleet (term {Term}, after {Previous})")]
    private static partial void LogElected(ILogger logger, string replica, long term, string previous);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Replica {Replica} no longer leads (term {Term}): {Why}")]
    private static partial void LogLost(ILogger logger, string replica, long term, string why);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Replica {Replica} could not reach the lease")]
    private static partial void LogRenewFailed(ILogger logger, Exception exception, string replica);

    private sealed record Held(LeaderFence Fence, long ValidUntil);
}
