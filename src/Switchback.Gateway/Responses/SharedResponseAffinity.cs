using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Switchback.Gateway.Hosting;
using Switchback.Storage.Fleet;

namespace Switchback.Gateway.Responses;

/// <summary>
/// <see cref="IResponseAffinity"/> shared by every replica of one store (docs/fleet.md): this process's
/// <see cref="BoundedResponseAffinity"/> first, then the store's <c>response_owners</c> table. Nothing on the request path
/// waits for a store write: what is remembered is queued (at most <see cref="QueueCapacity"/>, the oldest dropped and counted
/// when the store cannot keep up) and written in batches by <see cref="FlushAsync"/> (<see cref="ResponseOwnerSync"/> calls
/// it as soon as something is queued). A local miss is looked up in the store for at most
/// <see cref="GatewayOptions.ResponseAffinityLookupTimeout"/>; after a failed lookup or write, lookups skip the store for
/// <see cref="GatewayOptions.ResponseAffinityStoreBackoff"/>, so an unreachable store makes unknown ids unknown, never slow.
/// Thread-safe: the local map has its own lock, the queue is a channel, writes are serialised by one semaphore.
/// </summary>
internal sealed partial class SharedResponseAffinity : IResponseAffinity
{
    /// <summary>The most changes waiting for the store; beyond it the oldest is dropped (and still known to this process).</summary>
    public const int QueueCapacity = 50_000;

    /// <summary>The most rows one write sends.</summary>
    public const int MaxBatch = 1_000;

    private readonly BoundedResponseAffinity local;
    private readonly IFleetStore store;
    private readonly TimeProvider time;
    private readonly GatewayOptions options;
    private readonly ILogger<SharedResponseAffinity> logger;
    private readonly Channel<Change> queue;
    private readonly SemaphoreSlim writing = new(1, 1);
    private readonly List<Change> pending = [];

    // Forgotten here but maybe not yet in the store: a lookup must not find them there meanwhile.
    private readonly System.Collections.Concurrent.ConcurrentDictionary<AffinityKey, byte> forgetting = new();
    private long restingUntil;
    private long dropped;
    private long failures;
    private long slowLookups;
    private int slowInARow;

    /// <summary>Slow lookups in a row after which the store counts as failed (and the replica rests from it).</summary>
    internal const int SlowLookupsBeforeRest = 3;

    public SharedResponseAffinity(BoundedResponseAffinity local, IFleetStore store, TimeProvider time, IOptions<GatewayOptions> options, ILogger<SharedResponseAffinity> logger)
    {
        this.local = local;
        this.store = store;
        this.time = time;
        this.options = options.Value;
        this.logger = logger;
        queue = Channel.CreateBounded<Change>(
            new BoundedChannelOptions(QueueCapacity) { FullMode = BoundedChannelFullMode.DropOldest, SingleWriter = false, SingleReader = false },
            _ => Interlocked.Increment(ref dropped));
    }

    /// <summary>Changes not written to the store because the queue was full.</summary>
    public long Dropped => Interlocked.Read(ref dropped);

    /// <summary>Failed store reads and writes since start.</summary>
    public long Failures => Interlocked.Read(ref failures);

    /// <summary>
    /// Lookups that ran out of <see cref="GatewayOptions.ResponseAffinityLookupTimeout"/>. One slow lookup is a miss, not a
    /// failure: resting on it would send every follow-up this replica did not create to the wrong upstream for the whole
    /// backoff because of one slow connection. <see cref="SlowLookupsBeforeRest"/> in a row are a hung store, and rest.
    /// </summary>
    public long SlowLookups => Interlocked.Read(ref slowLookups);

    /// <summary>Whether lookups skip the store now (it failed within the backoff).</summary>
    public bool Resting => time.GetTimestamp() < Interlocked.Read(ref restingUntil);

    /// <summary>Completes when a change is waiting to be written (or false when no more will come).</summary>
    public ValueTask<bool> WaitToWriteAsync(CancellationToken cancellationToken) => queue.Reader.WaitToReadAsync(cancellationToken);

    public void Remember(AffinityKey key, ResponseOwner owner)
    {
        local.Remember(key, owner);
        if (key.Id.Length <= ResponseOwnerRow.MaxIdLength)
        {
            queue.Writer.TryWrite(new Change(new ResponseOwnerRow(key.Kind, key.Id, owner.Deployment, owner.Version, time.GetUtcNow()), Forget: false));
        }
    }

    public void Forget(AffinityKey key)
    {
        local.Forget(key);
        if (key.Id.Length <= ResponseOwnerRow.MaxIdLength)
        {
            forgetting[key] = 0;
            queue.Writer.TryWrite(new Change(new ResponseOwnerRow(key.Kind, key.Id, "-", 1, time.GetUtcNow()), Forget: true));
        }
    }

    public async ValueTask<ResponseOwner?> FindAsync(AffinityKey key, CancellationToken cancellationToken)
    {
        if (local.TryFind(key, out var owner))
        {
            return owner;
        }

        if (key.Id.Length is 0 or > ResponseOwnerRow.MaxIdLength || Resting || forgetting.ContainsKey(key))
        {
            return null;
        }

        using var timeout = new CancellationTokenSource(options.ResponseAffinityLookupTimeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        ResponseOwnerRow? row;
        try
        {
            // WaitAsync bounds the wait even where the driver does not watch the token (opening a connection to a store that
            // accepts and never answers): the request goes on; the abandoned lookup ends on its own.
            row = await store.FindResponseOwnerAsync(key.Kind, key.Id, linked.Token).WaitAsync(options.ResponseAffinityLookupTimeout, time, cancellationToken);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            if (ex is not TimeoutException && !timeout.IsCancellationRequested)
            {
                StoreFailed(ex, "look up");
            }
            else if (Interlocked.Increment(ref slowInARow) >= SlowLookupsBeforeRest)
            {
                Interlocked.Increment(ref slowLookups);
                Interlocked.Exchange(ref slowInARow, 0);
                StoreFailed(ex, $"look up ({SlowLookupsBeforeRest} lookups in a row slower than {options.ResponseAffinityLookupTimeout.TotalMilliseconds} ms)");
            }
            else
            {
                Interlocked.Increment(ref slowLookups);
            }

            return null;
        }

        Interlocked.Exchange(ref slowInARow, 0);
        if (row is null)
        {
            return null;
        }

        // Kept here from now on; not queued again, the store has it.
        owner = new ResponseOwner(row.Deployment, row.Version);
        local.Remember(key, owner);
        return owner;
    }

    /// <summary>
    /// Writes every queued change (and what a failed write left) to the store, in batches of at most <see cref="MaxBatch"/>;
    /// returns how many changes were written, or -1 when the store failed (the unwritten batch is kept and retried next time).
    /// </summary>
    public async Task<int> FlushAsync(CancellationToken cancellationToken)
    {
        await writing.WaitAsync(cancellationToken);
        try
        {
            var written = 0;
            while (true)
            {
                while (pending.Count < MaxBatch && queue.Reader.TryRead(out var change))
                {
                    pending.Add(change);
                }

                if (pending.Count == 0)
                {
                    return written;
                }

                try
                {
                    await WriteAsync(pending, cancellationToken);
                }
                catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
                {
                    StoreFailed(ex, "write");
                    return -1;
                }

                written += pending.Count;
                pending.Clear();
            }
        }
        finally
        {
            writing.Release();
        }
    }

    /// <summary>Deletes owners older than the retention and the oldest beyond the store's capacity; returns how many.</summary>
    public Task<long> PruneAsync(CancellationToken cancellationToken)
        => store.PruneResponseOwnersAsync(time.GetUtcNow() - options.ResponseAffinityRetention, options.ResponseAffinityStoreCapacity, cancellationToken);

    private async Task WriteAsync(List<Change> changes, CancellationToken cancellationToken)
    {
        // Records first, then forgets: a response created and deleted within one batch ends up forgotten.
        var records = changes.Where(c => !c.Forget).Select(c => c.Row).ToList();
        await store.RecordResponseOwnersAsync(records, cancellationToken);
        foreach (var change in changes.Where(c => c.Forget))
        {
            await store.ForgetResponseOwnerAsync(change.Row.Kind, change.Row.Id, cancellationToken);
            forgetting.TryRemove(new AffinityKey(change.Row.Kind, change.Row.Id), out _);
        }
    }

    private void StoreFailed(Exception exception, string what)
    {
        Interlocked.Exchange(ref restingUntil, time.GetTimestamp() + (long)(options.ResponseAffinityStoreBackoff.TotalSeconds * time.TimestampFrequency));
        if (Interlocked.Increment(ref failures) % 30 == 1)
        {
            LogStoreFailed(logger, exception, what, options.ResponseAffinityStoreBackoff.TotalSeconds);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not {What} response owners in the store; this replica uses its own memory and skips the store for {Seconds} s")]
    private static partial void LogStoreFailed(ILogger logger, Exception exception, string what, double seconds);

    private readonly record struct Change(ResponseOwnerRow Row, bool Forget);
}
