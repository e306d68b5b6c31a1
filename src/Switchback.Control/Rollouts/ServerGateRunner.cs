using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.Extensions.DependencyInjection;
using Switchback.Control.OfflineEvals;
using Switchback.Core.Rollouts;
using Switchback.Gateway.Access;

namespace Switchback.Control.Rollouts;

/// <summary>
/// Runs a gate through this process's own gateway with the per-process <see cref="SystemGateKey"/> (identity
/// <c>system:gate</c>): no caller's key is kept, and a gate interrupted by a restart can run again with the new process's key.
/// </summary>
internal sealed class ServerGateRunner(IServiceProvider services, SystemGateKey key) : IGateRunner
{
    public Task<GateRun> RunAsync(RolloutState rollout, string datasetText, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(rollout);
        // Resolved lazily: the web server exists only once the host has started, after the controller was built.
        var server = services.GetService<IServer>() ?? throw new InvalidOperationException("no HTTP server runs in this process, so the gate has no gateway to call");
        var gates = services.GetRequiredService<GateService>();
        var request = new GateRequest(rollout.Deployment, rollout.CandidateVersion, rollout.StableVersion, rollout.Spec.Gate!, datasetText,
            EvalReports.GatewayAddress(server), key.Key, $"rollout:{rollout.Id}");
        return gates.RunAsync(request, new EvalRunOptions(), cancellationToken);
    }
}
