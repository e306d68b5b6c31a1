using System.Collections.Concurrent;

namespace Switchback.Cli.Demo;

/// <summary>What clients saw, per serving version (<c>x-switchback-version</c>). Thread-safe.</summary>
internal sealed class TrafficCounts
{
    private readonly ConcurrentDictionary<int, long[]> byVersion = new();
    private long failed;

    /// <summary>Requests with no answer from the gateway (connection error or timeout).</summary>
    public long Failed => Interlocked.Read(ref failed);

    /// <summary>Requests answered, all versions.</summary>
    public long Total => byVersion.Values.Sum(c => Interlocked.Read(ref c[0]));

    public void Served(int version, bool error)
    {
        var counts = byVersion.GetOrAdd(version, _ => new long[2]);
        Interlocked.Increment(ref counts[0]);
        if (error)
        {
            Interlocked.Increment(ref counts[1]);
        }
    }

    public void Lost() => Interlocked.Increment(ref failed);

    /// <summary>(requests, errors seen by clients) per version, in version order.</summary>
    public IReadOnlyList<(int Version, long Requests, long Errors)> Snapshot()
        => [.. byVersion.OrderBy(p => p.Key).Select(p => (p.Key, Interlocked.Read(ref p.Value[0]), Interlocked.Read(ref p.Value[1])))];
}
