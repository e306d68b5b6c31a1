using Switchback.Core.Bundles;
using Switchback.Core.Routing;

namespace Switchback.Storage;

/// <summary>What the gateway reads to route: routing states, deployments with their aliases, and bundles. Thread-safe.</summary>
public interface IRoutingSource
{
    /// <summary>One version, archived or not; null if it does not exist.</summary>
    Task<StoredBundle?> GetBundleAsync(VersionRef version, CancellationToken cancellationToken = default);

    /// <summary>All deployments, by name.</summary>
    Task<IReadOnlyList<DeploymentInfo>> ListDeploymentsAsync(CancellationToken cancellationToken = default);

    /// <summary>Every stored routing state, by deployment name.</summary>
    Task<IReadOnlyList<RoutingState>> ListRoutingStatesAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// What routes every deployment, read in one snapshot: the routing epoch, the stored routing states and each deployment's
    /// <c>stable</c> alias (which routes a deployment without a stored state).
    /// </summary>
    Task<RoutingSnapshotRecord> ReadRoutingSnapshotAsync(CancellationToken cancellationToken = default);
}

/// <summary>The routing of every deployment at one routing epoch (see <see cref="IRoutingSource.ReadRoutingSnapshotAsync"/>).</summary>
/// <param name="Epoch">The routing epoch the snapshot is at.</param>
/// <param name="States">The stored routing states.</param>
/// <param name="Stables">Each deployment's <c>stable</c> version, by name.</param>
public sealed record RoutingSnapshotRecord(long Epoch, IReadOnlyList<RoutingState> States, IReadOnlyDictionary<string, int> Stables);
