namespace Switchback.UpstreamSim.Hosting;

/// <summary>
/// The responses the simulator created (the handler keeps each <see cref="SimResponse"/>, from which both the final JSON
/// and the replayed events are written), for <c>GET</c>/<c>DELETE /v1/responses/{id}</c> and <c>previous_response_id</c>:
/// least recently used first out once <see cref="Capacity"/> is reached. Thread-safe (one lock; every operation is O(1)).
/// </summary>
/// <typeparam name="T">What is kept per response.</typeparam>
internal sealed class StoredResponses<T>(int capacity = StoredResponses<T>.DefaultCapacity)
    where T : class
{
    /// <summary>How many responses a simulator keeps by default.</summary>
    public const int DefaultCapacity = 4096;

    private readonly Dictionary<string, LinkedListNode<(string Id, T Value)>> _byId = new(StringComparer.Ordinal);
    private readonly LinkedList<(string Id, T Value)> _recency = new();
    private readonly Lock _lock = new();

    /// <summary>The most responses kept.</summary>
    public int Capacity { get; } = capacity;

    /// <summary>Keeps (or replaces) a response; evicts the least recently used one when full.</summary>
    public void Put(string id, T value)
    {
        lock (_lock)
        {
            if (_byId.TryGetValue(id, out var existing))
            {
                _recency.Remove(existing);
            }
            else if (_byId.Count >= Capacity && _recency.Last is { } oldest)
            {
                _recency.RemoveLast();
                _byId.Remove(oldest.Value.Id);
            }

            _byId[id] = _recency.AddFirst((id, value));
        }
    }

    /// <summary>The response, marking it recently used; null when unknown or evicted.</summary>
    public T? Get(string id)
    {
        lock (_lock)
        {
            if (!_byId.TryGetValue(id, out var node))
            {
                return null;
            }

            _recency.Remove(node);
            _recency.AddFirst(node);
            return node.Value.Value;
        }
    }

    /// <summary>Forgets a response; false when it was not kept.</summary>
    public bool Remove(string id)
    {
        lock (_lock)
        {
            if (!_byId.Remove(id, out var node))
            {
                return false;
            }

            _recency.Remove(node);
            return true;
        }
    }
}
