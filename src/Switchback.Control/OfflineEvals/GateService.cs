using Switchback.Core.Bundles;
using Switchback.Core.OfflineEvals;
using Switchback.Gateway.Routing;
using Switchback.Storage;

namespace Switchback.Control.OfflineEvals;

/// <summary>
/// Executes a rollout's <c>RunGateAction</c>: runs the dataset on the candidate (and on stable when the gate compares),
/// stores both reports with their versions, and returns the <see cref="Core.Rollouts.GateResult"/> for the next observation.
/// <paramref name="loader"/>, when given, is refreshed first so versions registered since the last poll are routable.
/// No user traffic is involved: every call is pinned, and the rollout routes nothing until the decider passes the gate.
/// </summary>
public sealed class GateService(IRegistryStore store, EvalRunner runner, RoutingSnapshotLoader? loader = null)
{
    /// <summary>Runs the gate. Throws <see cref="ArgumentException"/> for an invalid dataset and <see cref="InvalidOperationException"/> for a missing version.</summary>
    public async Task<GateRun> RunAsync(GateRequest request, EvalRunOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var parsed = EvalDataset.Parse(request.DatasetText);
        if (!parsed.IsValid)
        {
            throw new ArgumentException($"gate dataset {request.Gate.Dataset} is invalid: {string.Join("; ", parsed.Errors.Take(5))}", nameof(request));
        }

        if (loader is not null)
        {
            // A candidate registered since the gateway's last poll must be routable before its first case is sent.
            await loader.RefreshAsync(cancellationToken);
        }

        var (candidateReport, candidateStored) = await RunOneAsync(request, request.Candidate, parsed.Dataset!, options, cancellationToken);
        if (!GatePlan.NeedsStable(request.Gate, request.Candidate, request.Stable))
        {
            return new GateRun(GatePlan.Result(candidateReport, null), candidateStored, null);
        }

        var (stableReport, stableStored) = await RunOneAsync(request, request.Stable!.Value, parsed.Dataset!, options, cancellationToken);
        return new GateRun(GatePlan.Result(candidateReport, stableReport), candidateStored, stableStored);
    }

    private async Task<(EvalReport, StoredEvalReport)> RunOneAsync(GateRequest request, int version, EvalDataset dataset, EvalRunOptions options, CancellationToken ct)
    {
        var reference = new VersionRef(request.Deployment, version);
        var bundle = await store.GetBundleAsync(reference, ct) ?? throw new InvalidOperationException($"{reference} does not exist");
        var report = await runner.RunAsync(new EvalTarget(reference, bundle.Digest, request.Gateway, request.ApiKey), dataset, options, null, ct);
        var stored = await EvalReports.StoreAsync(store, reference, report, request.Actor, ct)
            ?? throw new InvalidOperationException($"{reference} does not exist");
        return (report, stored);
    }
}
