using Switchback.Core.Routing;

namespace Switchback.Control.Admin;

/// <summary>A routing state as the admin API shows it: weights in percent.</summary>
internal sealed record RoutingView(
    string Deployment, int Stable, int? Candidate, double CandidateWeight, int? Shadow, double ShadowSample, string StickySource, long Generation, string? Salt)
{
    public static RoutingView From(RoutingState s) => new(
        s.Deployment,
        s.StableVersion,
        s.CandidateVersion,
        s.CandidateWeightBps / 100.0,
        s.ShadowVersion,
        s.ShadowSampleBps / 100.0,
        s.StickySource.ToString().ToLowerInvariant(),
        s.Generation,
        s.Salt);
}
