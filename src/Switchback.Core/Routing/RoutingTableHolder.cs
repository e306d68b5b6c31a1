namespace Switchback.Core.Routing;

/// <summary>
/// Holds the current <see cref="RoutingTable"/> for the data plane. Readers take <see cref="Current"/> (one volatile read,
/// no lock); writers replace the whole table atomically and then fire the previous table's change token, as YARP's
/// <c>InMemoryConfigProvider</c> does. Thread-safe.
/// </summary>
public sealed class RoutingTableHolder
{
    private volatile Snapshot _snapshot;

    /// <summary>Starts with <paramref name="initial"/>, or an empty table.</summary>
    public RoutingTableHolder(RoutingTable? initial = null) => _snapshot = new Snapshot(initial ?? RoutingTable.Empty);

    /// <summary>The table in force now.</summary>
    public RoutingTable Current => _snapshot.Table;

    /// <summary>A token cancelled when the table returned by <see cref="Current"/> at the same moment is replaced.</summary>
    public CancellationToken ChangeToken => _snapshot.Changed.Token;

    /// <summary>The current table and the token that fires when it is replaced, read together.</summary>
    public RoutingTable GetCurrent(out CancellationToken changed)
    {
        var snapshot = _snapshot;
        changed = snapshot.Changed.Token;
        return snapshot.Table;
    }

    /// <summary>Replaces the table unconditionally and signals the change.</summary>
    public void Swap(RoutingTable table)
    {
        ArgumentNullException.ThrowIfNull(table);
        var previous = Interlocked.Exchange(ref _snapshot, new Snapshot(table));
        previous.Changed.Cancel();
    }

    /// <summary>
    /// Applies <paramref name="update"/> to the current table and installs the result with compare-and-swap, retrying
    /// when another writer won the race (so <paramref name="update"/> must be pure). Returning the same instance changes
    /// nothing and signals nothing. Returns the table now in force.
    /// </summary>
    public RoutingTable Update(Func<RoutingTable, RoutingTable> update)
    {
        ArgumentNullException.ThrowIfNull(update);
        while (true)
        {
            var current = _snapshot;
            var next = update(current.Table) ?? throw new InvalidOperationException("the routing update returned no table");
            if (ReferenceEquals(next, current.Table))
            {
                return next;
            }

            var replacement = new Snapshot(next);
            if (ReferenceEquals(Interlocked.CompareExchange(ref _snapshot, replacement, current), current))
            {
                current.Changed.Cancel();
                return next;
            }
        }
    }

    // The token source is never disposed: consumers may still register on a token after it fired, as in YARP.
    private sealed class Snapshot(RoutingTable table)
    {
        public RoutingTable Table { get; } = table;

        public CancellationTokenSource Changed { get; } = new();
    }
}
