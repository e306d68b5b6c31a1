namespace Switchback.Gateway.Responses;

/// <summary>
/// Which version created each Responses API response the gateway forwarded, so that calls naming the response go to the
/// upstream that holds it. The gateway's own implementation is <see cref="BoundedResponseAffinity"/> (one process, in
/// memory); a fleet shares one through the store. Implementations are thread-safe.
/// </summary>
internal interface IResponseAffinity
{
    /// <summary>Records that <paramref name="owner"/> created <paramref name="responseId"/>.</summary>
    void Remember(string responseId, ResponseOwner owner);

    /// <summary>The version that created <paramref name="responseId"/>; false when it is not known (never seen, or forgotten).</summary>
    bool TryFind(string responseId, out ResponseOwner owner);

    /// <summary>Forgets <paramref name="responseId"/> (after its upstream deleted it).</summary>
    void Forget(string responseId);
}
