namespace Switchback.Gateway.Units;

/// <summary>What the forwarder needs to add a request to its unit: the rollout (deployment and salt), the key and its arm.</summary>
/// <param name="Deployment">The deployment.</param>
/// <param name="Salt">The rollout's salt (its id).</param>
/// <param name="KeyHash">The salted key hash; 0 for a request without a key (its own unit).</param>
/// <param name="Version">The version the key is assigned to.</param>
/// <param name="Candidate">Whether that is the candidate.</param>
/// <param name="WeightBps">The candidate weight in force.</param>
internal readonly record struct UnitTicket(string Deployment, string Salt, ulong KeyHash, int Version, bool Candidate, int WeightBps)
{
    /// <summary>
    /// The ticket when the attempt was served by the version it names; null otherwise (a fallback's answer belongs to no unit,
    /// as the forwarder already rules for request units).
    /// </summary>
    public static UnitTicket? Served(UnitTicket? ticket, int version) => ticket is { } t && t.Version == version ? t : null;
}
