using Microsoft.Extensions.Options;
using Switchback.Gateway.Hosting;
using Switchback.Storage.Fleet;

namespace Switchback.Gateway.Responses;

/// <summary>
/// <see cref="IResponseAffinity"/> in this process's memory, bounded by count: at most
/// <see cref="GatewayOptions.ResponseAffinityCapacity"/> ids (responses and conversations together), the least recently used
/// (remembered or found) evicted first. Not bounded by time: an upstream decides how long it keeps a response, and an id kept
/// here longer than there only costs the client the upstream's own 404. Thread-safe: one lock around a dictionary and a
/// recency list, O(1) per call.
/// </summary>
internal sealed class BoundedResponseAffinity(IOptions<GatewayOptions> options) : IResponseAffinity
{
    private readonly Dictionary<AffinityKey, LinkedListNode<(AffinityKey Key, ResponseOwner Owner)>> byKey = [];
    private readonly LinkedList<(AffinityKey Key, ResponseOwner Owner)> recency = new();
    private readonly Lock gate = new();
    private readonly int capacity = options.Value.ResponseAffinityCapacity;

    /// <summary>How many ids are remembered now.</summary>
    public int Count
    {
        get
        {
            lock (gate)
            {
                return byKey.Count;
            }
        }
    }

    public void Remember(AffinityKey key, ResponseOwner owner)
    {
        lock (gate)
        {
            if (byKey.TryGetValue(key, out var existing))
            {
                recency.Remove(existing);
                if (key.Kind == AffinityKind.Conversation)
                {
                    // A conversation stays with its first owner: only its recency moves.
                    recency.AddFirst(existing);
                    return;
                }
            }
            else if (byKey.Count >= capacity && recency.Last is { } oldest)
            {
                recency.RemoveLast();
                byKey.Remove(oldest.Value.Key);
            }

            byKey[key] = recency.AddFirst((key, owner));
        }
    }

    /// <summary>The owner of <paramref name="key"/> in this process's memory; false when it is not there.</summary>
    public bool TryFind(AffinityKey key, out ResponseOwner owner)
    {
        lock (gate)
        {
            if (!byKey.TryGetValue(key, out var node))
            {
                owner = default;
                return false;
            }

            recency.Remove(node);
            recency.AddFirst(node);
            owner = node.Value.Owner;
            return true;
        }
    }

    public ValueTask<ResponseOwner?> FindAsync(AffinityKey key, CancellationToken cancellationToken)
        => ValueTask.FromResult(TryFind(key, out var owner) ? owner : (ResponseOwner?)null);

    public void Forget(AffinityKey key)
    {
        lock (gate)
        {
            if (byKey.Remove(key, out var node))
            {
                recency.Remove(node);
            }
        }
    }
}
