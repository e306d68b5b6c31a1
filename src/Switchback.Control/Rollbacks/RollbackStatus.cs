namespace Switchback.Control.Rollbacks;

/// <summary>Result kinds of a rollback.</summary>
internal enum RollbackStatus
{
    /// <summary>Routing now sends 100 % to the target.</summary>
    RolledBack,

    /// <summary>The target already served 100 %; nothing changed.</summary>
    Unchanged,

    /// <summary>No such deployment or target version.</summary>
    NotFound,

    /// <summary>No target given and no previous stable version to go back to.</summary>
    NoTarget,

    /// <summary>Refused: the target is archived.</summary>
    Archived,

    /// <summary>Refused: the target failed its health check (use force to override).</summary>
    Unhealthy,

    /// <summary>Refused: the target did not serve within the rollback window (use force, or roll it out).</summary>
    OutsideWindow,
}
