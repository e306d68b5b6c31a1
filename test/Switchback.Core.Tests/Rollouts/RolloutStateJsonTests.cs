using Switchback.Core.Rollouts;
using static Switchback.Core.Tests.Rollouts.Rollouts;

namespace Switchback.Core.Tests.Rollouts;

public sealed class RolloutStateJsonTests
{
    [Fact]
    public void Serialize_MidRolloutWithEvidence_RoundTripsExactly()
    {
        var state = Start("steps:\n  - shadow: { duration: 5m }\n  - canary: { weight: 0.5, duration: 10m }\n  - pause: {}\n  - canary: { weight: 100 }\n"
            + "gate: { dataset: golden.jsonl, min_score: 0.9 }\nalerts:\n  - { webhook: \"http://127.0.0.1:9100/h\", slack: true }\n" + Guardrails
            + "\n  - { signal: latency_p95, compare: baseline, max_ratio: 1.25 }\n");
        state = RolloutDecider.Decide(state, new RolloutObservation(T0), T0).Next;
        state = RolloutDecider.Decide(state, new RolloutObservation(T0) { Gate = new GateResult(0.95, null) }, T0).Next;
        state = RolloutDecider.Decide(state, Traffic(T0.AddMinutes(1), 900, 0, baselineErrors: 3, shadow: 900, candidateErrors: 4), T0.AddMinutes(1)).Next;

        var json = RolloutJson.Serialize(state);
        var back = RolloutJson.Deserialize(json);

        Assert.Equal(json, RolloutJson.Serialize(back));
        Assert.Equal((state.Phase, state.Generation, state.Step), (back.Phase, back.Generation, back.Step));
        Assert.Equal(state.Spec.Steps, back.Spec.Steps);
        Assert.Equal(state.Guardrails["error_rate:compare"].Test!.LogMixtureTerms, back.Guardrails["error_rate:compare"].Test!.LogMixtureTerms);
        Assert.Contains("\"phase\":\"shadowing\"", json, StringComparison.Ordinal);

        // The restored state decides exactly as the original would: restart-safe.
        var next = Traffic(T0.AddMinutes(2), 900, 0, baselineErrors: 2, shadow: 900, candidateErrors: 3);
        Assert.Equal(RolloutJson.Serialize(RolloutDecider.Decide(state, next, T0.AddMinutes(2)).Next),
            RolloutJson.Serialize(RolloutDecider.Decide(back, next, T0.AddMinutes(2)).Next));
    }

    [Theory]
    [InlineData("")]
    [InlineData("null")]
    [InlineData("{\"id\": 5")]
    public void Deserialize_Malformed_ThrowsJsonException(string json)
        => Assert.ThrowsAny<System.Text.Json.JsonException>(() => RolloutJson.Deserialize(json));
}
