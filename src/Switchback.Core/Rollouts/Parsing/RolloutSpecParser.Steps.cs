using System.Collections.Immutable;
using System.Text.Json.Nodes;
using Switchback.Core.Bundles;

namespace Switchback.Core.Rollouts;

/// <summary>The strategies: canary steps, linear, blue-green and shadow, each compiled into <see cref="RolloutStep"/>s.</summary>
internal sealed partial class RolloutSpecParser
{
    private static readonly string[] ShadowFields = ["duration", "sample", "min_requests"];
    private static readonly string[] CanaryFields = ["weight", "duration", "min_requests"];
    private static readonly string[] LinearFields = ["step", "interval", "min_requests"];
    private static readonly string[] StepKinds = ["shadow", "canary", "pause"];
    private const string SampleExpected = "a share of requests greater than 0 and at most 1 (1.0 = all)";

    private ImmutableArray<RolloutStep> CanarySteps(JsonObject spec)
    {
        if (!spec.ContainsKey("steps"))
        {
            return RolloutSpec.DefaultCanarySteps;
        }

        var items = List(spec, string.Empty, "steps", "a list of steps (shadow, canary, pause)");
        var steps = ImmutableArray.CreateBuilder<RolloutStep>();
        var lastWeight = 0.0;
        for (var i = 0; i < items.Count; i++)
        {
            var path = FieldPath.Item("steps", i);
            if (items[i] is not JsonObject { Count: 1 } item || Array.IndexOf(StepKinds, item.First().Key) < 0)
            {
                Error(path, $"expected a mapping with exactly one of shadow, canary, pause, got {Describe(items[i])}"
                    + (items[i] is JsonObject o ? $" with keys {string.Join(", ", o.Select(p => p.Key))}" : string.Empty));
                continue;
            }

            var (kind, body) = item.First();
            RolloutStep? step = kind switch
            {
                "shadow" => Shadow(body, FieldPath.Child(path, kind)),
                "canary" => Canary(body, FieldPath.Child(path, kind), ref lastWeight),
                _ => Pause(body, FieldPath.Child(path, kind)),
            };
            if (step is not null)
            {
                steps.Add(step);
            }
        }

        if (items.Count == 0 && spec["steps"] is JsonArray)
        {
            Error("steps", "the list of steps is empty: expected at least one step, or leave steps out for the default plan");
        }
        else if (steps.Count > 0 && !steps.Any(s => s is CanaryStep))
        {
            Error("steps", "a canary plan needs at least one canary step (use strategy: shadow to evaluate without serving users)");
        }

        return steps.ToImmutable();
    }

    private ShadowStep? Shadow(JsonNode? body, string path)
    {
        if (Item(body, path, ShadowFields) is not { } map)
        {
            return null;
        }

        var duration = Duration(map, path, "duration", required: true);
        var sample = Number(map, path, "sample", SampleExpected, v => v is > 0 and <= 1) ?? 1.0;
        var min = Integer(map, path, "min_requests", 1, long.MaxValue) ?? RolloutSpec.DefaultMinRequests;
        return duration is null ? null : new ShadowStep(duration.Value, sample, min);
    }

    private CanaryStep? Canary(JsonNode? body, string path, ref double lastWeight)
    {
        if (Item(body, path, CanaryFields) is not { } map)
        {
            return null;
        }

        var weight = Number(map, path, "weight", "a percentage greater than 0 and at most 100, in steps of 0.01",
            v => v is > 0 and <= 100 && Math.Abs((v * 100) - Math.Round(v * 100)) < 1e-9, required: true);
        var duration = Duration(map, path, "duration", required: false);
        var min = Integer(map, path, "min_requests", 1, long.MaxValue) ?? RolloutSpec.DefaultMinRequests;
        if (weight is null)
        {
            return null;
        }

        if (weight < lastWeight)
        {
            Error(FieldPath.Child(path, "weight"), $"weight {weight} is below the previous step's {lastWeight}: weights must not decrease (a rollback is a guardrail's job)");
        }

        lastWeight = weight.Value;
        if (duration is null && weight < 100 && !map.ContainsKey("duration"))
        {
            Error(FieldPath.Child(path, "duration"), "required field is missing below weight 100: expected a duration such as 10m");
            return null;
        }

        return new CanaryStep(weight.Value, duration, min);
    }

    private PauseStep? Pause(JsonNode? body, string path)
    {
        if (Item(body, path, ["duration"]) is not { } map)
        {
            return null;
        }

        var duration = Duration(map, path, "duration", required: false);
        return map.ContainsKey("duration") && duration is null ? null : new PauseStep(duration);
    }

    private ImmutableArray<RolloutStep> LinearSteps(JsonObject spec)
    {
        if (!spec.ContainsKey("linear"))
        {
            Error("linear", "required field is missing for strategy: linear: expected { step: 10, interval: 5m }");
            return [];
        }

        if (Mapping(spec, string.Empty, "linear", LinearFields) is not { } map)
        {
            return [];
        }

        var step = Number(map, "linear", "step", "a percentage greater than 0 and at most 100, in steps of 0.01",
            v => v is > 0 and <= 100 && Math.Abs((v * 100) - Math.Round(v * 100)) < 1e-9, required: true);
        var interval = Duration(map, "linear", "interval", required: true);
        var min = Integer(map, "linear", "min_requests", 1, long.MaxValue) ?? RolloutSpec.DefaultMinRequests;
        if (step is null || interval is null)
        {
            return [];
        }

        // Integer basis points keep 100 reachable exactly however the step divides it.
        var stepBps = Weights.ToBps(step.Value);
        var steps = ImmutableArray.CreateBuilder<RolloutStep>();
        for (var bps = stepBps; bps < 10_000; bps += stepBps)
        {
            steps.Add(new CanaryStep(bps / 100.0, interval, min));
        }

        steps.Add(new CanaryStep(100, null, min));
        return steps.ToImmutable();
    }

    private (ImmutableArray<RolloutStep>, TimeSpan?) BlueGreenSteps(JsonObject spec)
    {
        var steps = ImmutableArray.CreateBuilder<RolloutStep>();
        if (spec.ContainsKey("shadow") && Shadow(spec["shadow"], "shadow") is { } warmUp)
        {
            steps.Add(warmUp);
        }

        var bake = Duration(spec, string.Empty, "bake", required: true);
        var keepWarm = Duration(spec, string.Empty, "keep_warm", required: false) ?? RolloutSpec.DefaultKeepWarm;
        var previewText = Text(spec, string.Empty, "preview", "shadow or key");
        PreviewMode? preview = previewText switch
        {
            null or "shadow" => PreviewMode.Shadow,
            "key" => PreviewMode.Key,
            _ => null,
        };
        if (preview is null)
        {
            Error("preview", $"'{previewText}' is not a preview mode: expected shadow or key");
        }

        var sample = Number(spec, string.Empty, "sample", SampleExpected, v => v is > 0 and <= 1) ?? 1.0;
        if (preview == PreviewMode.Key && spec.ContainsKey("sample"))
        {
            Error("sample", "sample applies to preview: shadow only; preview: key sends no mirrored traffic");
        }

        var min = Integer(spec, string.Empty, "min_requests", 0, long.MaxValue)
            ?? (preview == PreviewMode.Key ? 0 : RolloutSpec.DefaultMinRequests);
        if (preview == PreviewMode.Shadow && min == 0)
        {
            Error("min_requests", "a shadow bake needs at least 1 request: no data is not good data");
        }

        if (bake is null || preview is null)
        {
            return ([], null);
        }

        steps.Add(new PreviewStep(bake.Value, preview.Value, sample, min));
        steps.Add(new CanaryStep(100, null, 0));
        return (steps.ToImmutable(), keepWarm);
    }

    private ImmutableArray<RolloutStep> ShadowSteps(JsonObject spec)
    {
        var duration = Duration(spec, string.Empty, "duration", required: true);
        var sample = Number(spec, string.Empty, "sample", SampleExpected, v => v is > 0 and <= 1) ?? 1.0;
        var min = Integer(spec, string.Empty, "min_requests", 1, long.MaxValue) ?? RolloutSpec.DefaultMinRequests;
        return duration is null ? [] : [new ShadowStep(duration.Value, sample, min)];
    }
}
