using System.Collections.Concurrent;

namespace Switchback.Storage.Fleet;

/// <summary>
/// Notifications between replicas (<see cref="StoreChannels"/>): raised in this process when one of its own transactions that
/// notified commits, and, on PostgreSQL, for every <c>NOTIFY</c> the listener receives (so a replica hears its own changes twice;
/// handlers are idempotent). <see cref="Resync"/> is raised after the listener (re)connects, since notifications sent while it
/// was away are lost: subscribers then reload everything. Thread-safe; handlers run on the raising thread and must be quick.
/// </summary>
public sealed class StoreNotifications
{
    /// <summary>The pseudo-channel raised after the listener connected again: everything may have changed.</summary>
    public const string Resync = "resync";

    private readonly ConcurrentDictionary<string, ImmutableHandlers> handlers = new(StringComparer.Ordinal);

    /// <summary>Whether notifications from other replicas arrive now (PostgreSQL listener connected); false on SQLite.</summary>
    public bool Listening { get; internal set; }

    /// <summary>Calls <paramref name="handler"/> with the payload of every notification on <paramref name="channel"/> until disposed.</summary>
    public IDisposable Subscribe(string channel, Action<string> handler)
    {
        ArgumentException.ThrowIfNullOrEmpty(channel);
        ArgumentNullException.ThrowIfNull(handler);
        handlers.AddOrUpdate(channel, _ => new ImmutableHandlers([handler]), (_, h) => new ImmutableHandlers([.. h.List, handler]));
        return new Subscription(() => handlers.AddOrUpdate(channel, _ => new ImmutableHandlers([]), (_, h) => new ImmutableHandlers([.. h.List.Where(x => x != handler)])));
    }

    /// <summary>Delivers one notification to this process's subscribers.</summary>
    public void Raise(string channel, string payload)
    {
        if (!handlers.TryGetValue(channel, out var current))
        {
            return;
        }

        foreach (var handler in current.List)
        {
            handler(payload);
        }
    }

    private sealed record ImmutableHandlers(Action<string>[] List);

    private sealed class Subscription(Action dispose) : IDisposable
    {
        private int disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref disposed, 1) == 0)
            {
                dispose();
            }
        }
    }
}
