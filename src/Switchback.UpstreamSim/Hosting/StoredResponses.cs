namespace Switchback.UpstreamSim.Hosting;

/// <summary>
/// The responses the simulator created, as their final JSON, for <c>GET</c>/<c>DELETE /v1/responses/{id}</c> and
/// <c>previous_response_id</c>: least recently used first out once <see cref="Capacity"/> is reached. Thread-safe (one lock;
/// every operation is O(1)).
/// </summary>
internal sealed class StoredResponses(int capacity = StoredResponses.DefaultCapacity)
{
    /// <summary>How many responses a simulator keeps by default.</summary>
    public const int DefaultCapacity = 4096;

    private readonly Dictionary<string, LinkedListNode<(string Id, byte[] Json)>> _byId = new(StringComparer.Ordinal);
    private readonly LinkedList<(string Id, byte[] Json)> _recency = new();
    private readonly Lock _lock = new();

    /// <summary>The most responses kept.</summary>
    public int Capacity { get; } = capacity;

    /// <summary>Keeps (or replaces) a response; evicts the least recently used one when full.</summary>
    public void Put(string id, byte[] json)
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

            _byId[id] = _recency.AddFirst((id, json));
        }
    }

    /// <summary>The response's JSON, marking it recently used; null when unknown or evicted.</summary>
    public byte[]? Get(string id)
    {
        lock (_lock)
        {
            if (!_byId.TryGetValue(id, out var node))
            {
                return null;
            }

            _recency.Remove(node);
            _recency.AddFirst(node);
            return node.Value.Json;
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
