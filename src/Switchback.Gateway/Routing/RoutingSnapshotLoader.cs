using Microsoft.Extensions.Logging;
using Switchback.Core.Routing;
using Switchback.Gateway.Bundles;
using Switchback.Storage;

namespace Switchback.Gateway.Routing;

/// <summary>
/// Builds the routing table from the store — each deployment's stored routing state, or 100 % to its <c>stable</c> alias
/// when it has none — loads every routed version's bundle, then swaps the <see cref="RoutingTableHolder"/> in one step.
/// When the store fails, the last table stays in force. Refreshes are serialised; thread-safe.
/// </summary>
public sealed partial class RoutingSnapshotLoader
{
    private readonly IRoutingSource store;
    private readonly RoutingTableHolder holder;
    private readonly BundleCache bundles;
    private readonly ILogger<RoutingSnapshotLoader> logger;
    private readonly SemaphoreSlim gate = new(1, 1);
    private readonly TimeProvider? time;
    private long appliedEpoch;

    internal RoutingSnapshotLoader(IRoutingSource store, RoutingTableHolder holder, BundleCache bundles, ILogger<RoutingSnapshotLoader> logger, TimeProvider? time = null)
    {
        this.time = time;
        this.store = store;
        this.holder = holder;
        this.bundles = bundles;
        this.logger = logger;
    }

    /// <summary>How many refreshes failed in a row (0 after a success).</summary>
    public int ConsecutiveFailures { get; private set; }

    /// <summary>
    /// The store's routing epoch as of the last successful load: every routing change up to it is in force here (the epoch is
    /// read before the table, so the table is at least that new). 0 before the first load.
    /// </summary>
    public long AppliedEpoch => Interlocked.Read(ref appliedEpoch);

    /// <summary>When <see cref="AppliedEpoch"/> last moved on (the injected clock).</summary>
    public DateTimeOffset? AppliedAt { get; private set; }

    /// <summary>Raised after a successful load moved <see cref="AppliedEpoch"/> on; the argument is the new epoch.</summary>
    public event Action<long>? Applied;

    /// <summary>Reloads the table now; returns false (keeping the last table) when the store could not be read.</summary>
    public async Task<bool> RefreshAsync(CancellationToken cancellationToken = default)
    {
        await gate.WaitAsync(cancellationToken);
        try
        {
            var (epoch, table) = await LoadAsync(cancellationToken);
            if (!SameAs(holder.Current, table))
            {
                holder.Swap(table);
                LogSwapped(logger, table.Count);
            }

            ConsecutiveFailures = 0;
            if (epoch > appliedEpoch)
            {
                Interlocked.Exchange(ref appliedEpoch, epoch);
                AppliedAt = time?.GetUtcNow();
                Applied?.Invoke(epoch);
            }

            return true;
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            ConsecutiveFailures++;
            LogRefreshFailed(logger, ex, ConsecutiveFailures);
            return false;
        }
        finally
        {
            gate.Release();
        }
    }

    private async Task<(long Epoch, RoutingTable Table)> LoadAsync(CancellationToken cancellationToken)
    {
        var snapshot = await store.ReadRoutingSnapshotAsync(cancellationToken);
        var stored = snapshot.States.ToDictionary(s => s.Deployment, StringComparer.Ordinal);
        var states = new List<RoutingState>(snapshot.States);
        foreach (var (deployment, stable) in snapshot.Stables)
        {
            if (!stored.ContainsKey(deployment))
            {
                states.Add(new RoutingState(deployment, stable));
            }
        }

        foreach (var state in states)
        {
            foreach (var version in new[] { state.StableVersion, state.CandidateVersion, state.ShadowVersion })
            {
                if (version is { } v)
                {
                    // Routed versions are served even if archived later: routing, not the archive flag, decides.
                    _ = await bundles.GetAsync(state.Deployment, v, allowArchived: true, cancellationToken)
                        ?? throw new InvalidOperationException($"routing of '{state.Deployment}' names version {v}, which does not exist");
                }
            }
        }

        return (snapshot.Epoch, new RoutingTable(states));
    }

    private static bool SameAs(RoutingTable current, RoutingTable next)
        => current.Count == next.Count && next.States.All(s => current.TryGet(s.Deployment, out var c) && c == s);

    [LoggerMessage(Level = LogLevel.Information, Message = "routing snapshot swapped: {Count} deployments")]
    private static partial void LogSwapped(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "routing refresh failed ({Failures} in a row); serving the last snapshot")]
    private static partial void LogRefreshFailed(ILogger logger, Exception exception, int failures);
}
