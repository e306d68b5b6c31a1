namespace Switchback.Gateway.Forwarding;

/// <summary>
/// Everything one upstream attempt needs: where to, the body to send, the headers the bundle adds, and the client's
/// <c>x-switchback-*</c> headers to drop (<see cref="StripHeaders"/>; null when it sent none).
/// </summary>
internal sealed record ForwardPlan(
    string Deployment,
    int Version,
    string RequestId,
    Uri Target,
    string DestinationPrefix,
    byte[] Body,
    string? ContentType,
    string? Credential,
    string? Retrieval,
    string? Tokenizer,
    TimeSpan Timeout,
    string[]? StripHeaders);
