namespace Switchback.Core.Rollouts;

/// <summary>The shape of a guardrail signal, which decides the rules it accepts and the data the controller supplies.</summary>
public enum SignalKind
{
    /// <summary>Events per request (errors, refusals, thumbs-down…): <c>compare</c> or <c>max</c> as a rate 0..1.</summary>
    Rate,

    /// <summary>Events that should not happen at all (OOM, safety violations): <c>compare</c> or <c>max</c> as a number of events.</summary>
    Count,

    /// <summary>A quantile of a continuous value (latency, response length): <c>compare</c> only, by threshold exceedances.</summary>
    Quantile,

    /// <summary>An agreement rate (shadow answers that match stable's): <c>min</c> only.</summary>
    Agreement,
}
