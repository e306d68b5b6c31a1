namespace Switchback.Gateway.Forwarding;

/// <summary>Everything one upstream attempt needs: where to, the body to send, and the headers the bundle adds.</summary>
internal sealed record ForwardPlan(
    string Deployment,
    int Version,
    string RequestId,
    Uri Target,
    string DestinationPrefix,
    byte[] Body,
    string? Credential,
    string? Retrieval,
    string? Tokenizer,
    TimeSpan Timeout)
{
    /// <summary>The unit this attempt's outcome joins (its key's assigned arm, during a canary); null for failover, pins and outside rollouts.</summary>
    public Units.UnitTicket? Unit { get; init; }

    /// <summary>Whether the attempt is recorded in the version's signals, journal, units and evaluations (default); false for calls that are not inference, such as reading a stored response.</summary>
    public bool Counts { get; init; } = true;

    /// <summary>Whether a successful answer creates a Responses API response whose id is remembered with this version.</summary>
    public bool RemembersResponse { get; init; }

    /// <summary>The <c>conversation</c> the request names (Responses API), whose owner a successful answer records if none is recorded yet.</summary>
    public string? ConversationId { get; init; }

    /// <summary>The GenAI <c>gen_ai.operation.name</c> this attempt serves; null for raw pass-through, which records no GenAI metrics.</summary>
    public string? Operation { get; init; }

    /// <summary>The bundle's <c>gen_ai.provider.name</c>.</summary>
    public string Provider { get; init; } = "openai";

    /// <summary>The bundle's digest, for the request's span.</summary>
    public string? Digest { get; init; }
}
