namespace Switchback.UpstreamSim.Faults;

/// <summary>What the simulator will do with one request, decided up front from (seed, sequence).</summary>
internal readonly record struct RequestPlan(SimOutcome Outcome, int StatusCode, BadAnswer Bad, TimeSpan Latency, ulong Salt);
