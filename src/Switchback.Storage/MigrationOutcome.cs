namespace Switchback.Storage;

/// <summary>What <see cref="IRegistryStore.MigrateAsync"/> did.</summary>
/// <param name="CreatedStore">True when the store had no schema before this call: a new, empty store was created.</param>
/// <param name="Applied">How many migrations this call applied (0 when the schema was current).</param>
public sealed record MigrationOutcome(bool CreatedStore, int Applied);
