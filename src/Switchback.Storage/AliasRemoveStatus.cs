namespace Switchback.Storage;

/// <summary>What <see cref="IRegistryStore.RemoveAliasAsync"/> did.</summary>
public enum AliasRemoveStatus
{
    /// <summary>The alias existed and is gone.</summary>
    Removed,

    /// <summary>No such alias (or deployment); nothing changed and nothing was audited.</summary>
    Absent,

    /// <summary>Refused: <c>stable</c> cannot be removed, only moved.</summary>
    IsStable,
}
