using System.Diagnostics.CodeAnalysis;
using Switchback.Core.Bundles;

namespace Switchback.Core.Routing;

/// <summary>
/// How one deployment's traffic is split right now. Immutable; a change is a new state with a higher
/// <see cref="Generation"/>. Weights are in basis points (1 bp = 0.01 %).
/// </summary>
/// <param name="Deployment">The deployment name.</param>
/// <param name="StableVersion">The version that serves users by default (from 1).</param>
/// <param name="CandidateVersion">The version being rolled out, if any; never equal to <paramref name="StableVersion"/>.</param>
/// <param name="CandidateWeightBps">Share of keys sent to the candidate, 0..10,000 basis points; above 0 needs a candidate.</param>
/// <param name="ShadowVersion">The version that receives mirrored traffic whose answers are never returned, if any.</param>
/// <param name="ShadowSampleBps">Share of requests mirrored to the shadow, 0..10,000 basis points; above 0 needs a shadow version.</param>
/// <param name="StickySource">Where the assignment key comes from.</param>
/// <param name="Generation">Increases with every change of this deployment's routing (from 0).</param>
/// <param name="Salt">
/// Mixed into every key's bucket (a rollout's id): each rollout orders the users afresh, so no group of users is always the
/// first to get a candidate, while within one rollout a key's bucket stays put and raising the weight only moves keys to the
/// candidate. Null outside rollouts.
/// </param>
public sealed record RoutingState(
    string Deployment,
    int StableVersion,
    int? CandidateVersion = null,
    int CandidateWeightBps = 0,
    int? ShadowVersion = null,
    int ShadowSampleBps = 0,
    StickySource StickySource = StickySource.Header,
    long Generation = 0,
    string? Salt = null)
{
    /// <summary>The whole traffic in basis points.</summary>
    public const int FullBps = 10_000;

    /// <summary>Whether this state is consistent; <paramref name="error"/> says what is wrong with it.</summary>
    public bool IsValid([NotNullWhen(false)] out string? error)
    {
        error = FindError();
        return error is null;
    }

    /// <summary>Throws <see cref="ArgumentException"/> with a clear message when this state is not consistent.</summary>
    public void Validate()
    {
        if (FindError() is { } error)
        {
            throw new ArgumentException(error);
        }
    }

    private string? FindError()
    {
        var who = $"routing state of '{Deployment}'";
        if (!DeploymentName.IsValid(Deployment, out var nameError))
        {
            return $"{who}: deployment {nameError}";
        }

        return (this switch
        {
            { StableVersion: < 1 } => $"stable version must be 1 or more, got {StableVersion}",
            { CandidateVersion: < 1 } => $"candidate version must be 1 or more, got {CandidateVersion}",
            _ when CandidateVersion == StableVersion => $"candidate version {CandidateVersion} is the stable version; a candidate must differ from stable",
            { CandidateWeightBps: < 0 or > FullBps } => $"candidate weight must be 0..{FullBps} basis points, got {CandidateWeightBps}",
            { CandidateWeightBps: > 0, CandidateVersion: null } => $"candidate weight is {CandidateWeightBps} basis points but there is no candidate version",
            { ShadowVersion: < 1 } => $"shadow version must be 1 or more, got {ShadowVersion}",
            _ when ShadowVersion == StableVersion => $"shadow version {ShadowVersion} is the stable version; shadowing stable to itself compares nothing",
            { ShadowSampleBps: < 0 or > FullBps } => $"shadow sample must be 0..{FullBps} basis points, got {ShadowSampleBps}",
            { ShadowSampleBps: > 0, ShadowVersion: null } => $"shadow sample is {ShadowSampleBps} basis points but there is no shadow version",
            _ when !Enum.IsDefined(StickySource) => $"sticky source {(int)StickySource} is not one of Header, User, Random",
            { Generation: < 0 } => $"generation must be 0 or more, got {Generation}",
            _ => null,
        }) is { } problem ? $"{who}: {problem}" : null;
    }
}
