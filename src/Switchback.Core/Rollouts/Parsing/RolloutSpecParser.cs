using System.Collections.Immutable;
using System.Text.Json.Nodes;
using Switchback.Core.Manifests;

namespace Switchback.Core.Rollouts;

/// <summary>
/// Validates the spec of a <c>kind: Rollout</c> document (already typed by the YAML 1.2 core schema) and compiles its
/// strategy into steps. Collects every error with its field path; never throws for bad input.
/// </summary>
internal sealed partial class RolloutSpecParser(string source, int index)
{
    private static readonly string[] TopFields =
    [
        "deployment", "candidate", "strategy", "steps", "linear", "bake", "keep_warm", "preview", "sample", "min_requests",
        "shadow", "duration", "guardrails", "alpha", "rollback_window", "alerts", "gate", "unverified", "promote_when", "margin",
    ];

    private static readonly Dictionary<RolloutStrategy, string[]> StrategyFields = new()
    {
        [RolloutStrategy.Canary] = ["steps"],
        [RolloutStrategy.Linear] = ["linear"],
        [RolloutStrategy.BlueGreen] = ["bake", "keep_warm", "preview", "sample", "min_requests", "shadow"],
        [RolloutStrategy.Shadow] = ["duration", "sample", "min_requests"],
    };

    private readonly List<ManifestError> _errors = [];

    public RolloutSpecResult Parse(string deployment, JsonObject spec)
    {
        CheckKnown(spec, string.Empty, TopFields);
        var candidate = Integer(spec, string.Empty, "candidate", 1, int.MaxValue);
        var strategy = Strategy(spec);
        var steps = ImmutableArray<RolloutStep>.Empty;
        TimeSpan? keepWarm = null;
        if (strategy is { } s)
        {
            RejectOtherStrategies(spec, s);
            (steps, keepWarm) = s switch
            {
                RolloutStrategy.Canary => (CanarySteps(spec), null),
                RolloutStrategy.Linear => (LinearSteps(spec), null),
                RolloutStrategy.BlueGreen => BlueGreenSteps(spec),
                _ => (ShadowSteps(spec), null),
            };
        }

        var guardrails = Guardrails(spec);
        var alpha = Number(spec, string.Empty, "alpha", "a number greater than 0 and less than 0.5", v => v is > 0 and < 0.5) ?? RolloutSpec.DefaultAlpha;
        var window = Duration(spec, string.Empty, "rollback_window", required: false) ?? RolloutSpec.DefaultRollbackWindow;
        var alerts = Alerts(spec);
        var gate = Gate(spec);
        var unverified = Bool(spec, string.Empty, "unverified") ?? false;
        var noHarm = NoHarm(spec);
        if (_errors.Count > 0)
        {
            return new RolloutSpecResult(null, _errors);
        }

        var parsed = new RolloutSpec(deployment, candidate is null ? null : (int)candidate, strategy!.Value, steps, keepWarm, guardrails,
            alpha, window, alerts, gate) { Unverified = unverified, NoHarmMargin = noHarm };
        if (noHarm is not null && (parsed.ComparativeGuardrails == 0 || parsed.LastComparedStep is null))
        {
            Error("promote_when", "no_harm_shown needs a compare: baseline guardrail and a timed canary step below 100 % to show it on");
            return new RolloutSpecResult(null, _errors);
        }

        if (!parsed.Measures && !unverified && parsed.Strategy != RolloutStrategy.Shadow)
        {
            // No data is not good data: a plan that can promote without a single measurement must say so.
            Error("steps", "this plan promotes without measuring anything (no timed canary below 100 %, no shadow, no step that needs requests, no pause for an operator): "
                + "add a measured step, or set 'unverified: true' to accept a promotion that nothing checked");
            return new RolloutSpecResult(null, _errors);
        }

        return new RolloutSpecResult(parsed, []);
    }

    /// <summary><c>promote_when: no_harm_shown</c> and its <c>margin</c>; null when promotion needs no more than no breach.</summary>
    private double? NoHarm(JsonObject spec)
    {
        var when = Text(spec, string.Empty, "promote_when", "no_harm_shown");
        var margin = Number(spec, string.Empty, "margin", "a margin above 0 and at most 5 (0.2 = the candidate may be up to 20 % worse)", v => v is > 0 and <= 5);
        if (when is null)
        {
            if (margin is not null)
            {
                Error("margin", "margin applies to promote_when: no_harm_shown only");
            }

            return null;
        }

        if (when != "no_harm_shown")
        {
            Error("promote_when", $"'{when}' is not a promotion rule: expected no_harm_shown");
            return null;
        }

        return margin ?? RolloutSpec.DefaultNoHarmMargin;
    }

    private RolloutStrategy? Strategy(JsonObject spec)
    {
        var text = Text(spec, string.Empty, "strategy", "canary, linear, blue-green or shadow");
        switch (text)
        {
            case null when !spec.ContainsKey("strategy"):
            case "canary":
                return RolloutStrategy.Canary;
            case "linear":
                return RolloutStrategy.Linear;
            case "blue-green":
                return RolloutStrategy.BlueGreen;
            case "shadow":
                return RolloutStrategy.Shadow;
            case null:
                return null;
            default:
                Error("strategy", $"'{text}' is not a strategy: expected canary, linear, blue-green or shadow");
                return null;
        }
    }

    private void RejectOtherStrategies(JsonObject spec, RolloutStrategy strategy)
    {
        var own = StrategyFields[strategy];
        foreach (var (other, fields) in StrategyFields)
        {
            foreach (var field in fields)
            {
                if (other != strategy && Array.IndexOf(own, field) < 0 && spec.ContainsKey(field))
                {
                    Error(field, $"'{field}' belongs to strategy: {StrategyName(other)}, not {StrategyName(strategy)}");
                }
            }
        }
    }

    private static string StrategyName(RolloutStrategy strategy) => strategy switch
    {
        RolloutStrategy.Canary => "canary",
        RolloutStrategy.Linear => "linear",
        RolloutStrategy.BlueGreen => "blue-green",
        _ => "shadow",
    };

    private GateSpec? Gate(JsonObject spec)
    {
        var gate = Mapping(spec, string.Empty, "gate", ["dataset", "min_score", "max_drop_vs_stable"]);
        if (gate is null)
        {
            return null;
        }

        var dataset = Text(gate, "gate", "dataset", "the path of a golden dataset (JSONL)", required: true);
        var minScore = Number(gate, "gate", "min_score", "a score from 0 to 1", v => v is >= 0 and <= 1);
        var maxDrop = Number(gate, "gate", "max_drop_vs_stable", "a score difference from 0 to 1", v => v is >= 0 and <= 1);
        if (!gate.ContainsKey("min_score") && !gate.ContainsKey("max_drop_vs_stable"))
        {
            Error("gate", "a gate needs min_score, max_drop_vs_stable or both");
        }

        return dataset is null ? null : new GateSpec(dataset, minScore, maxDrop);
    }

    private ImmutableArray<AlertTarget> Alerts(JsonObject spec)
    {
        var items = List(spec, string.Empty, "alerts", "a list of alert targets such as - webhook: http://host/hook");
        var alerts = ImmutableArray.CreateBuilder<AlertTarget>();
        for (var i = 0; i < items.Count; i++)
        {
            var path = Bundles.FieldPath.Item("alerts", i);
            if (Item(items[i], path, ["webhook", "slack"]) is not { } item)
            {
                continue;
            }

            var url = Text(item, path, "webhook", "an absolute http or https URL", required: true);
            var slack = Bool(item, path, "slack") ?? false;
            if (url is null)
            {
                continue;
            }

            if (Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https" && uri.Host.Length > 0)
            {
                alerts.Add(new AlertTarget(uri, slack));
            }
            else
            {
                Error(Bundles.FieldPath.Child(path, "webhook"), $"'{url}' is not an absolute http or https URL");
            }
        }

        return alerts.ToImmutable();
    }
}
