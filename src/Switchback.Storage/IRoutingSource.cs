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
}
