namespace Switchback.Storage.Fleet;

/// <summary>What a response-affinity entry names (docs/gateway.md, "Conversation affinity").</summary>
public enum AffinityKind
{
    /// <summary>A response the upstream created (<c>resp_…</c>); its owner is the version that created it.</summary>
    Response,

    /// <summary>A conversation (<c>conv_…</c>); its owner is the version that served the first successful response naming it.</summary>
    Conversation,
}
