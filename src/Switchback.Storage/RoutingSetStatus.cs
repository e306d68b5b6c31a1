namespace Switchback.Storage;

/// <summary>Result kinds of a routing change.</summary>
public enum RoutingSetStatus
{
    /// <summary>The new state is stored with the next generation.</summary>
    Set,

    /// <summary>The stored state was already equal (ignoring generation); nothing changed and nothing was audited.</summary>
    Unchanged,

    /// <summary>Refused: the deployment or one of the versions does not exist.</summary>
    NotFound,

    /// <summary>Refused: one of the versions is archived.</summary>
    Archived,
}
