namespace Switchback.Storage.Fleet;

/// <summary>
/// One response-affinity entry as replicas share it: which version owns a response or a conversation (docs/gateway.md,
/// "Conversation affinity"). The store keeps the first owner recorded for a (kind, id).
/// </summary>
/// <param name="Kind">Whether <paramref name="Id"/> names a response or a conversation.</param>
/// <param name="Id">The id, at most <see cref="MaxIdLength"/> characters.</param>
/// <param name="Deployment">The owner's deployment.</param>
/// <param name="Version">The owner's version.</param>
/// <param name="RecordedAt">When the replica recorded it (pruning by age counts from here).</param>
public sealed record ResponseOwnerRow(AffinityKind Kind, string Id, string Deployment, int Version, DateTimeOffset RecordedAt)
{
    /// <summary>The longest id kept (OpenAI's ids are about 50 characters); a longer one is not recorded anywhere.</summary>
    public const int MaxIdLength = 256;
}
