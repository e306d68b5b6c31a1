namespace Switchback.Gateway.Signals;

/// <summary>Which version served a request, when, and how it ended; feedback is attributed through it.</summary>
public sealed record JournalEntry(string RequestId, string Deployment, int Version, DateTimeOffset At, RequestOutcome Outcome);
