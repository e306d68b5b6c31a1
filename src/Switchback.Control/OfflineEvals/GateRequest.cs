using Switchback.Core.Rollouts;

namespace Switchback.Control.OfflineEvals;

/// <summary>What a rollout's gate runs: the dataset on the candidate and, when the gate compares, on stable.</summary>
/// <param name="Deployment">The deployment rolled out.</param>
/// <param name="Candidate">The candidate version.</param>
/// <param name="Stable">The stable version, or null when there is none to compare with.</param>
/// <param name="Gate">The manifest's <c>gate:</c>.</param>
/// <param name="DatasetText">The dataset's content (the CLI sends it with the manifest; the server never reads the manifest's path).</param>
/// <param name="Gateway">The gateway's base address.</param>
/// <param name="ApiKey">An operator or admin key that may pin versions.</param>
/// <param name="Actor">Who the stored reports and their audit entries name.</param>
public sealed record GateRequest(string Deployment, int Candidate, int? Stable, GateSpec Gate, string DatasetText, Uri Gateway, string ApiKey, string Actor);
