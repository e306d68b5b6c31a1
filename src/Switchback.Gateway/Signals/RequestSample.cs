namespace Switchback.Gateway.Signals;

/// <summary>What one finished request contributes to its version's signals.</summary>
/// <param name="LatencyMs">Total time to the last byte, in milliseconds; recorded in the latency sketch only when the outcome is <see cref="RequestOutcome.Ok"/>.</param>
/// <param name="Outcome">How the request ended.</param>
/// <param name="TokensIn">Prompt tokens reported by the upstream, 0 when unknown.</param>
/// <param name="TokensOut">Completion tokens reported by the upstream, 0 when unknown.</param>
/// <param name="TimeToFirstTokenMs">Time to the first streamed chunk, for streams only.</param>
public readonly record struct RequestSample(
    double LatencyMs,
    RequestOutcome Outcome = RequestOutcome.Ok,
    long TokensIn = 0,
    long TokensOut = 0,
    double? TimeToFirstTokenMs = null);
