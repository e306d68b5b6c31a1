using System.Text.Json.Nodes;
using Switchback.Gateway.Application;
using Switchback.Gateway.Bundles;
using Switchback.Gateway.Forwarding;

namespace Switchback.Gateway.Shadow;

/// <summary>
/// One mirrored request: the client's buffered body and variables (the shadow bundle is applied by the worker, off the
/// request path) and what the primary answered. Immutable once enqueued.
/// </summary>
internal sealed record ShadowJob(
    ServingBundle Shadow,
    EndpointKind Kind,
    byte[] RawBody,
    IReadOnlyDictionary<string, JsonNode?> Variables,
    string? QueryString,
    ForwardResult Primary)
{
    /// <summary>The span of the request this one mirrors; default when it had none. The shadow's own span links to it.</summary>
    public System.Diagnostics.ActivityContext Mirrors { get; init; }
}
