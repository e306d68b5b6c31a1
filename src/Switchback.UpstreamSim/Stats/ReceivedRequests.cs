namespace Switchback.UpstreamSim;

/// <summary>The last <c>capacity</c> inference requests received, oldest first; thread-safe (one lock).</summary>
internal sealed class ReceivedRequests(int capacity)
{
    private readonly Queue<ReceivedRequest> _requests = new();

    public bool Enabled => capacity > 0;

    public void Add(ReceivedRequest request)
    {
        lock (_requests)
        {
            if (_requests.Count == capacity)
            {
                _requests.Dequeue();
            }

            _requests.Enqueue(request);
        }
    }

    public IReadOnlyList<ReceivedRequest> Snapshot()
    {
        lock (_requests)
        {
            return [.. _requests];
        }
    }
}
