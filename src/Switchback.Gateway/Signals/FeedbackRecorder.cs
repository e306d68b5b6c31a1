using Switchback.Core.Routing;
using Switchback.Gateway.Units;

namespace Switchback.Gateway.Signals;

/// <summary>
/// Adds one feedback to the version that served the request: its window counters, and during a canary its feedback unit
/// (docs/statistics.md §1b). The unit is the key's, from the request id's signed unit part; feedback on an id without one
/// (served outside a canary, unsigned, or of the older format) is a unit of its own in the canary routing now, counted per
/// vote as before. Thread-safe.
/// </summary>
internal sealed class FeedbackRecorder(SignalRegistry signals, UnitTracker units, RoutingTableHolder routing)
{
    /// <summary>Records feedback on a request of <paramref name="deployment"/>@<paramref name="version"/>; <paramref name="signedUnit"/> is the id's unit ticket, if any.</summary>
    public void Record(string deployment, int version, double score, bool escalated, UnitTicket? signedUnit)
    {
        signals.Get(deployment, version).RecordFeedback(score, escalated);
        var unit = signedUnit is { } t && t.Deployment == deployment && t.Version == version ? t : PerVote(deployment, version);
        if (unit is { } ticket)
        {
            units.RecordFeedback(ticket, (score == -1 ? UnitFlags.ThumbsDown : UnitFlags.None) | (escalated ? UnitFlags.Escalated : UnitFlags.None));
        }
    }

    /// <summary>A vote of its own in the canary routing now, when the version is one of its arms; null outside a canary.</summary>
    private UnitTicket? PerVote(string deployment, int version)
        => routing.Current.TryGet(deployment, out var state)
           && state is { Salt: { } salt, CandidateVersion: { } candidate, CandidateWeightBps: > 0 }
           && (version == candidate || version == state.StableVersion)
            ? new UnitTicket(deployment, salt, 0, version, version == candidate, state.CandidateWeightBps)
            : null;
}
