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
    TimeSpan Timeout);
