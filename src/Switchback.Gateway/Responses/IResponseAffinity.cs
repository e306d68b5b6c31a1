namespace Switchback.Gateway.Responses;

/// <summary>
/// Which version owns each response and conversation the gateway forwarded, so that calls naming one go to the upstream that
/// holds it (docs/gateway.md, "Conversation affinity"). The gateway's default is <see cref="BoundedResponseAffinity"/> (one
/// process, in memory); <see cref="SharedResponseAffinity"/> adds the store, so every replica sharing it finds what any one
/// recorded. Implementations are thread-safe, and nothing here waits on the store longer than a bounded lookup.
/// </summary>
internal interface IResponseAffinity
{
    /// <summary>
    /// Records that <paramref name="owner"/> owns <paramref name="key"/>. A response id takes the newest owner; a conversation
    /// keeps the first one recorded (the version that served the first successful response naming it).
    /// </summary>
    void Remember(AffinityKey key, ResponseOwner owner);

    /// <summary>The owner of <paramref name="key"/>; null when it is not known (never seen, forgotten, or the shared lookup failed).</summary>
    ValueTask<ResponseOwner?> FindAsync(AffinityKey key, CancellationToken cancellationToken);

    /// <summary>Forgets <paramref name="key"/> (after its upstream deleted it).</summary>
    void Forget(AffinityKey key);
}
