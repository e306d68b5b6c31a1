using System.Collections.Concurrent;

namespace Switchback.Control.Rollbacks;

/// <summary>The last rollback of each deployment in this process, with its timings. Thread-safe.</summary>
internal sealed class RollbackTimings
{
    private readonly ConcurrentDictionary<string, RollbackTiming> last = new(StringComparer.Ordinal);

    public void Record(string deployment, RollbackTiming timing) => last[deployment] = timing;

    public RollbackTiming? Last(string deployment) => last.TryGetValue(deployment, out var timing) ? timing : null;
}
