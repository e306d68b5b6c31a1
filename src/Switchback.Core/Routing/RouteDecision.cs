namespace Switchback.Core.Routing;

/// <summary>Where one request goes: the version that answers it and, when sampled, the version that also gets a mirrored copy.</summary>
/// <param name="Version">The version whose answer the client receives.</param>
/// <param name="IsCandidate">Whether <paramref name="Version"/> is the candidate (failover to stable applies).</param>
/// <param name="ShadowVersion">The version that receives a mirrored copy, or null when this request is not sampled.</param>
/// <param name="Bucket">The candidate bucket 0..9,999 the request fell in (useful for debugging stickiness).</param>
/// <param name="KeyHash">The 64-bit hash of the assignment key (salted like the bucket); 0 for a request without a key.</param>
public readonly record struct RouteDecision(int Version, bool IsCandidate, int? ShadowVersion, int Bucket, ulong KeyHash = 0);
