namespace Switchback.Core.Rollouts;

/// <summary>How a rollout moves the candidate from 0 to 100 % (or only evaluates it).</summary>
public enum RolloutStrategy
{
    /// <summary>A list of shadow, canary and pause steps.</summary>
    Canary,

    /// <summary>The weight grows by a fixed step every interval up to 100 %.</summary>
    Linear,

    /// <summary>The candidate bakes in shadow or behind a preview key, then takes 100 % at once.</summary>
    BlueGreen,

    /// <summary>Evaluation only: the candidate sees mirrored traffic and never serves users.</summary>
    Shadow,
}
