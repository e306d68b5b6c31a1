namespace Switchback.Storage;

/// <summary>What <see cref="IRegistryStore.SaveRolloutAsync"/> did.</summary>
public enum RolloutSaveStatus
{
    /// <summary>The new state is stored.</summary>
    Saved,

    /// <summary>Refused: the stored generation is not the expected one (someone else saved first).</summary>
    Stale,

    /// <summary>Refused: no rollout with that id.</summary>
    NotFound,
}
