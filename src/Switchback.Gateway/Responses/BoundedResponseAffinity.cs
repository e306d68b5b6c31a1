using Microsoft.Extensions.Options;
using Switchback.Gateway.Hosting;

namespace Switchback.Gateway.Responses;

/// <summary>
/// <see cref="IResponseAffinity"/> in this process's memory, bounded by count: at most
/// <see cref="GatewayOptions.ResponseAffinityCapacity"/> ids, the least recently used (remembered or found) evicted first.
/// Not bounded by time: an upstream decides how long it keeps a response, and an id kept here longer than there only costs
/// the client the upstream's own 404. Thread-safe: one lock around a dictionary and a recency list, O(1) per call.
/// </summary>
internal sealed class BoundedResponseAffinity(IOptions<GatewayOptions> options) : IResponseAffinity
{
    private readonly Dictionary<string, LinkedListNode<(string Id, ResponseOwner Owner)>> byId = new(StringComparer.Ordinal);
    private readonly LinkedList<(string Id, ResponseOwner Owner)> recency = new();
    private readonly Lock gate = new();
    private readonly int capacity = options.Value.ResponseAffinityCapacity;

    /// <summary>How many ids are remembered now.</summary>
    public int Count
    {
        get
        {
            lock (gate)
            {
                return byId.Count;
            }
        }
    }

    public void Remember(string responseId, ResponseOwner owner)
    {
        lock (gate)
        {
            if (byId.TryGetValue(responseId, out var existing))
            {
                recency.Remove(existing);
            }
            else if (byId.Count >= capacity && recency.Last is { } oldest)
            {
                recency.RemoveLast();
                byId.Remove(oldest.Value.Id);
            }

            byId[responseId] = recency.AddFirst((responseId, owner));
        }
    }

    public bool TryFind(string responseId, out ResponseOwner owner)
    {
        lock (gate)
        {
            if (!byId.TryGetValue(responseId, out var node))
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

    public void Forget(string responseId)
    {
        lock (gate)
        {
            if (byId.Remove(responseId, out var node))
            {
                recency.Remove(node);
            }
        }
    }
}
