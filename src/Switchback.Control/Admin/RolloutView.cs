using Switchback.Control.Alerts;
using Switchback.Core.Rollouts;
using Switchback.Core.Routing;

namespace Switchback.Control.Admin;

/// <summary>The JSON of <c>GET /deployments/{d}/rollout</c>: phase, step, weights, per-guardrail evidence, decisions, alert delivery.</summary>
internal sealed record RolloutView(
    string Id,
    string Deployment,
    int Stable,
    int Candidate,
    string Strategy,
    string Phase,
    string Reason,
    string ReasonText,
    bool Finished,
    int Step,
    int Steps,
    string? StepDescription,
    DateTimeOffset? StepStartedAt,
    StepCounters StepRequests,
    RoutingView? Routing,
    IReadOnlyList<GuardrailView> Guardrails,
    IReadOnlyList<DecisionView> Decisions,
    IReadOnlyList<AlertReceiverStatus> Alerts,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    long Generation,
    RollbackTimingView? LastRollback)
{
    /// <summary>Every step of the plan in words, in order; <see cref="Step"/> indexes it (the console draws the timeline from it).</summary>
    public IReadOnlyList<string> StepPlan { get; init; } = [];

    /// <summary>The plan said <c>unverified: true</c>: it may promote with nothing measured.</summary>
    public bool Unverified { get; init; }

    /// <summary>How many live replicas apply the current routing: now, or for a command, once it spread (with how long it took).</summary>
    public Fleet.FleetApplied? Replicas { get; init; }

    /// <summary><see cref="Replicas"/> in words, "applied on 3/3 replicas in 12 ms".</summary>
    public string? Fleet => Replicas?.Describe();

    /// <summary>The view; <paramref name="rollback"/> is shown when it happened during this rollout.</summary>
    public static RolloutView From(RolloutState s, RoutingState? routing, AlertDeliveryLog? log, Rollbacks.RollbackTiming? rollback = null) => new(
        s.Id,
        s.Deployment,
        s.StableVersion,
        s.CandidateVersion,
        Snake(s.Spec.Strategy.ToString()),
        Snake(s.Phase.ToString()),
        Snake(s.Reason.ToString()),
        s.ReasonText,
        s.IsFinished,
        s.StepIndex,
        s.Spec.Steps.Length,
        s.StepIndex < s.Spec.Steps.Length ? s.Spec.Steps[s.StepIndex].Describe() : null,
        s.StepStartedAt,
        s.Step,
        routing is null ? null : RoutingView.From(routing),
        [.. s.Spec.Guardrails.Select(g => GuardrailView.From(g, s.Guardrails[g.Key]))],
        [.. s.History.Select(d => new DecisionView(d.At, Snake(d.Kind.ToString()), d.StepIndex, d.Reason, [.. d.Evidence.Select(e => e.Summary)], d.Evidence))],
        [.. s.Spec.Alerts.Select(a => log?.Status(new AlertReceiver(a.Webhook, a.Slack))).OfType<AlertReceiverStatus>()],
        s.CreatedAt,
        s.UpdatedAt,
        s.Generation,
        rollback is not null && rollback.At >= s.CreatedAt ? RollbackTimingView.Of(rollback) : null)
    {
        Unverified = s.Spec.Unverified,
        StepPlan = [.. s.Spec.Steps.Select(step => step.Describe())],
    };

    private static string Snake(string name) => System.Text.Json.JsonNamingPolicy.SnakeCaseLower.ConvertName(name);
}

/// <summary>One guardrail in a rollout status.</summary>
internal sealed record GuardrailView(string Guardrail, string Signal, string Severity, bool Breached, string? Summary, GuardrailEvidence? Evidence)
{
    public static GuardrailView From(GuardrailSpec spec, GuardrailState state)
        => new(spec.Key, spec.Signal, spec.Severity.ToString().ToLowerInvariant(), state.Breached, state.Last?.Summary, state.Last);
}

/// <summary>One decision in a rollout status.</summary>
internal sealed record DecisionView(DateTimeOffset At, string Kind, int Step, string Reason, IReadOnlyList<string> Evidence, IReadOnlyList<GuardrailEvidence> EvidenceDetail);
