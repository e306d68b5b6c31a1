namespace Switchback.Core.Rollouts;

/// <summary>How a blue-green candidate is reachable while it bakes.</summary>
public enum PreviewMode
{
    /// <summary>Mirrored traffic: answers are compared, never returned.</summary>
    Shadow,

    /// <summary>Weight 0: only requests pinned to the candidate (<c>x-switchback-version</c>, operator role) reach it.</summary>
    Key,
}
