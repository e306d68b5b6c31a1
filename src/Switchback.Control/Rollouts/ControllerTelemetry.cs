using System.Diagnostics;
using System.Globalization;
using Switchback.Core.Rollouts;

namespace Switchback.Control.Rollouts;

/// <summary>
/// The controller's <see cref="ActivitySource"/>: one span per rollout decision (a step, pause, promotion, rollback...), around
/// the actions that carry it out, with the decision's reason and one event per guardrail carrying its evidence
/// (docs/observability.md). Null, and free, when nobody listens. Stateless; thread-safe.
/// </summary>
internal static class ControllerTelemetry
{
    /// <summary>The source name to subscribe to (<c>AddSource</c>).</summary>
    public const string SourceName = "Switchback.Controller";

    private static readonly ActivitySource Source = new(SourceName);

    /// <summary>Starts the span of <paramref name="decision"/> in <paramref name="rollout"/>, named <c>rollout {kind}</c>; null when nobody listens.</summary>
    public static Activity? StartDecision(RolloutState rollout, DecisionRecord decision, string actor)
    {
        if (!Source.HasListeners())
        {
            return null;
        }

        var kind = SnakeCase(decision.Kind.ToString());
        var span = Source.StartActivity("rollout " + kind, ActivityKind.Internal, parentContext: default);
        if (span is not { IsAllDataRequested: true })
        {
            return span;
        }

        span.SetTag("switchback.deployment", rollout.Deployment);
        span.SetTag("switchback.rollout.id", rollout.Id);
        span.SetTag("switchback.decision", kind);
        span.SetTag("switchback.decision.reason", decision.Reason);
        span.SetTag("switchback.rollout.phase", SnakeCase(rollout.Phase.ToString()));
        span.SetTag("switchback.rollout.step", decision.StepIndex);
        span.SetTag("switchback.version", rollout.CandidateVersion);
        span.SetTag("switchback.stable_version", rollout.StableVersion);
        span.SetTag("switchback.actor", actor);
        foreach (var evidence in decision.Evidence)
        {
            var tags = new ActivityTagsCollection
            {
                ["switchback.guardrail"] = evidence.Guardrail,
                ["switchback.guardrail.severity"] = evidence.Severity.ToString().ToLowerInvariant(),
                ["switchback.guardrail.breached"] = evidence.Breached,
                ["switchback.guardrail.summary"] = evidence.Summary,
            };
            if (evidence.Test is { } test)
            {
                tags["switchback.guardrail.e_value"] = test.EValue;
                tags["switchback.guardrail.threshold"] = test.Threshold;
                tags["switchback.guardrail.p_value"] = test.PValue;
            }

            span.AddEvent(new ActivityEvent("switchback.guardrail.evidence", decision.At, tags));
        }

        return span;
    }

    // snake_case of an enum name, as the API writes it: StepStarted → step_started, RolledBack → rolled_back.
    private static string SnakeCase(string name)
    {
        var builder = new System.Text.StringBuilder(name.Length + 4);
        for (var i = 0; i < name.Length; i++)
        {
            if (char.IsUpper(name[i]) && i > 0)
            {
                builder.Append('_');
            }

            builder.Append(char.ToLower(name[i], CultureInfo.InvariantCulture));
        }

        return builder.ToString();
    }
}
