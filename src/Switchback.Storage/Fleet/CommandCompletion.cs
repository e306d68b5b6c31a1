namespace Switchback.Storage.Fleet;

/// <summary>Marks rollout command <paramref name="Id"/> done with <paramref name="Outcome"/> (JSON) in the same transaction as the write that carries it.</summary>
public sealed record CommandCompletion(long Id, string Outcome);
