using System.Collections.Immutable;
using System.Text.Json.Nodes;
using Switchback.Core.Bundles;

namespace Switchback.Core.Rollouts;

/// <summary>The <c>guardrails</c> list: one rule per signal, checked against the signal's shape.</summary>
internal sealed partial class RolloutSpecParser
{
    private static readonly string[] GuardrailFields = ["signal", "compare", "max_ratio", "max", "min", "severity", "min_requests"];

    /// <summary>The default <c>min_requests</c> of a <c>max:</c>/<c>min:</c> rate guardrail: a rate over fewer requests is noise.</summary>
    internal const long DefaultRateMinRequests = 100;

    private ImmutableArray<GuardrailSpec> Guardrails(JsonObject spec)
    {
        var items = List(spec, string.Empty, "guardrails", "a list of guardrails such as - { signal: error_rate, compare: baseline, severity: hard }");
        var guardrails = ImmutableArray.CreateBuilder<GuardrailSpec>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < items.Count; i++)
        {
            var path = FieldPath.Item("guardrails", i);
            if (Item(items[i], path, GuardrailFields) is { } map && Guardrail(map, path) is { } guardrail)
            {
                if (seen.Add(guardrail.Key))
                {
                    guardrails.Add(guardrail);
                }
                else
                {
                    Error(path, $"a second guardrail on {guardrail.Signal} with the same rule: merge them into one");
                }
            }
        }

        return guardrails.ToImmutable();
    }

    private GuardrailSpec? Guardrail(JsonObject map, string path)
    {
        var signal = Text(map, path, "signal", "a signal name", required: true);
        var kind = signal is null ? null : Signals.KindOf(signal);
        if (signal is not null && kind is null)
        {
            var hint = signal == "eval_score" ? " (offline scores belong in gate:)" : string.Empty;
            Error(FieldPath.Child(path, "signal"), $"'{signal}' is not a guardrail signal{hint}: expected one of {Signals.Names}");
        }

        var severityText = Text(map, path, "severity", "hard or soft");
        GuardrailSeverity? severity = severityText switch
        {
            null or "hard" => GuardrailSeverity.Hard,
            "soft" => GuardrailSeverity.Soft,
            _ => null,
        };
        if (severity is null)
        {
            Error(FieldPath.Child(path, "severity"), $"'{severityText}' is not a severity: expected hard (roll back) or soft (pause and alert)");
        }

        var rule = Rule(map, path);
        var minRequests = Integer(map, path, "min_requests", 0, long.MaxValue);
        if (kind is null || rule is null || severity is null)
        {
            return null;
        }

        return rule.Value switch
        {
            GuardrailRule.CompareBaseline => Compare(map, path, signal!, kind.Value, severity.Value, minRequests),
            GuardrailRule.Max => Max(map, path, signal!, kind.Value, severity.Value, minRequests),
            _ => Min(map, path, signal!, kind.Value, severity.Value, minRequests),
        };
    }

    private GuardrailRule? Rule(JsonObject map, string path)
    {
        var rules = new[] { "compare", "max", "min" }.Where(map.ContainsKey).ToArray();
        if (rules.Length != 1)
        {
            Error(path, rules.Length == 0
                ? "a guardrail needs a rule: compare: baseline, max: LIMIT or min: LIMIT"
                : $"a guardrail has exactly one rule, got {string.Join(" and ", rules)}");
            return null;
        }

        if (rules[0] != "compare" && map.ContainsKey("max_ratio"))
        {
            Error(FieldPath.Child(path, "max_ratio"), "max_ratio applies to compare: baseline only");
        }

        return rules[0] switch
        {
            "compare" => GuardrailRule.CompareBaseline,
            "max" => GuardrailRule.Max,
            _ => GuardrailRule.Min,
        };
    }

    private GuardrailSpec? Compare(JsonObject map, string path, string signal, SignalKind kind, GuardrailSeverity severity, long? minRequests)
    {
        var against = Text(map, path, "compare", "baseline");
        if (against is not null and not "baseline")
        {
            Error(FieldPath.Child(path, "compare"), $"'{against}' cannot be compared with: expected baseline");
        }

        if (kind == SignalKind.Agreement)
        {
            Error(FieldPath.Child(path, "compare"), $"{signal} already compares candidate with stable: use min: AGREEMENT (0..1)");
        }

        var ratio = Number(map, path, "max_ratio", "a ratio from 0.01 to 100 (1.25 = 25 % worse allowed)", v => v is >= 0.01 and <= 100) ?? 1.0;
        return against == "baseline" && kind != SignalKind.Agreement
            ? new GuardrailSpec(signal, kind, GuardrailRule.CompareBaseline, ratio, 0, severity, minRequests ?? 0)
            : null;
    }

    private GuardrailSpec? Max(JsonObject map, string path, string signal, SignalKind kind, GuardrailSeverity severity, long? minRequests)
    {
        double? limit = kind switch
        {
            SignalKind.Count => Number(map, path, "max", "a number of events (a whole number of at least 0)", v => v >= 0 && v == Math.Floor(v)),
            SignalKind.Rate => Number(map, path, "max", "a rate from 0 to 1 (0.05 = 5 % of requests)", v => v is >= 0 and < 1),
            _ => null,
        };
        if (kind is SignalKind.Quantile or SignalKind.Agreement)
        {
            Error(FieldPath.Child(path, "max"), kind == SignalKind.Quantile
                ? $"{signal} takes compare: baseline (with max_ratio), not an absolute max"
                : $"{signal} takes min: AGREEMENT (0..1), not max");
        }

        return limit is null ? null
            : new GuardrailSpec(signal, kind, GuardrailRule.Max, 1.0, limit.Value, severity,
                minRequests ?? (kind == SignalKind.Rate ? DefaultRateMinRequests : 0));
    }

    private GuardrailSpec? Min(JsonObject map, string path, string signal, SignalKind kind, GuardrailSeverity severity, long? minRequests)
    {
        if (kind != SignalKind.Agreement)
        {
            Error(FieldPath.Child(path, "min"), $"min applies to shadow_agreement only; {signal} takes compare: baseline or max");
            return null;
        }

        var limit = Number(map, path, "min", "an agreement rate greater than 0 and at most 1", v => v is > 0 and <= 1);
        return limit is null ? null
            : new GuardrailSpec(signal, kind, GuardrailRule.Min, 1.0, limit.Value, severity, minRequests ?? DefaultRateMinRequests);
    }
}
