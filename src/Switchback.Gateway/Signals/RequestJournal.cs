using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;

namespace Switchback.Gateway.Signals;

/// <summary>
/// Request id → <see cref="JournalEntry"/>, bounded by count and age (both evict oldest first). Thread-safe: adds and
/// lookups are lock-free; eviction runs under a lock that a busy writer skips rather than waits for, so the count can
/// exceed <see cref="RequestJournalOptions.MaxEntries"/> by the few entries added during one eviction pass.
/// Lookups never return an entry older than <see cref="RequestJournalOptions.MaxAge"/>. Ids issued by
/// <see cref="NextRequestId"/> (every request the gateway serves) are kept in a compact ring instead (see
/// <c>IssuedRequestRing</c>): about 40 bytes each, evicted by issue order once <see cref="RequestJournalOptions.MaxEntries"/>
/// newer ids were issued; <see cref="Count"/> counts only the others.
/// </summary>
public sealed class RequestJournal
{
    private readonly ConcurrentDictionary<string, JournalEntry> _entries = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<JournalEntry> _order = new();
    private readonly Lock _evicting = new();
    private readonly TimeProvider _time;
    private readonly RequestJournalOptions _options;
    private readonly IssuedRequestRing _issued;
    private long _queued;

    /// <summary>Creates an empty journal; <paramref name="options"/> is validated here.</summary>
    public RequestJournal(TimeProvider time, RequestJournalOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(time);
        _time = time;
        _options = options ?? new RequestJournalOptions();
        _options.Validate();
        _issued = new IssuedRequestRing(_options.MaxEntries);
    }

    /// <summary>A new, unguessable request id (<c>req_</c> and 32 hex digits) that this journal stores compactly.</summary>
    public string NextRequestId() => _issued.Issue();

    /// <summary>How long a request is remembered (feedback after that is refused).</summary>
    public TimeSpan MaxAge => _options.MaxAge;

    /// <summary>The number of requests remembered.</summary>
    public int Count => _entries.Count;

    /// <summary>Remembers that <paramref name="requestId"/> was served by <paramref name="deployment"/>@<paramref name="version"/> now.</summary>
    /// <remarks>Returns nothing: it runs once per request, and an id this journal issued is stored without any object.</remarks>
    public void Record(string requestId, string deployment, int version, RequestOutcome outcome)
    {
        ArgumentException.ThrowIfNullOrEmpty(requestId);
        ArgumentException.ThrowIfNullOrEmpty(deployment);
        ArgumentOutOfRangeException.ThrowIfLessThan(version, 1);
        var at = _time.GetUtcNow();
        if (_issued.Owns(requestId, out var sequence, out var tag))
        {
            _issued.Write(sequence, tag, deployment, version, at.UtcTicks, outcome);
            return;
        }

        var entry = new JournalEntry(requestId, deployment, version, at, outcome);
        _entries[requestId] = entry;
        _order.Enqueue(entry);
        Interlocked.Increment(ref _queued);
        Trim();
    }

    /// <summary>Finds a request that is still remembered and younger than the maximum age.</summary>
    public bool TryGet(string requestId, [MaybeNullWhen(false)] out JournalEntry entry)
    {
        ArgumentNullException.ThrowIfNull(requestId);
        if (_issued.Owns(requestId, out var sequence, out var tag))
        {
            if (_issued.TryRead(sequence, tag, out var found))
            {
                entry = new JournalEntry(requestId, found.Deployment, found.Version, new DateTimeOffset(found.AtTicks, TimeSpan.Zero), found.Outcome);
                if (!IsExpired(entry, _time.GetUtcNow()))
                {
                    return true;
                }
            }

            entry = null;
            return false;
        }

        if (_entries.TryGetValue(requestId, out entry) && !IsExpired(entry, _time.GetUtcNow()))
        {
            return true;
        }

        entry = null;
        return false;
    }

    /// <summary>Evicts entries beyond the count limit or older than the age limit (also done on every add).</summary>
    public void Trim()
    {
        if (!_evicting.TryEnter())
        {
            return;
        }

        try
        {
            var now = _time.GetUtcNow();
            while (_order.TryPeek(out var oldest)
                   && (Volatile.Read(ref _queued) > _options.MaxEntries || IsExpired(oldest, now))
                   && _order.TryDequeue(out oldest))
            {
                Interlocked.Decrement(ref _queued);

                // Removes only this exact entry: a request id recorded again later keeps its newer entry.
                _entries.TryRemove(KeyValuePair.Create(oldest.RequestId, oldest));
            }
        }
        finally
        {
            _evicting.Exit();
        }
    }

    private bool IsExpired(JournalEntry entry, DateTimeOffset now) => now - entry.At >= _options.MaxAge;
}
