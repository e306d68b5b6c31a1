using Switchback.Gateway.Signals;

namespace Switchback.Gateway.Forwarding;

/// <summary>
/// The attempt whose answer the client got: its version, outcome and latency, and — only when the caller asked and the
/// answer was a complete non-streamed body within the observation buffer — a copy of that body for shadow comparison.
/// </summary>
internal sealed record ForwardResult(int Version, RequestOutcome Outcome, double LatencyMs, int? Status, byte[]? Body);
