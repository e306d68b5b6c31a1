namespace Switchback.Core.Access;

/// <summary>What an API key may do; each role includes the ones below it.</summary>
public enum Role
{
    /// <summary>Read-only access.</summary>
    Viewer = 0,

    /// <summary>Rollouts, rollbacks, drills, pinning.</summary>
    Operator = 1,

    /// <summary>Keys, bundles, everything.</summary>
    Admin = 2,
}
