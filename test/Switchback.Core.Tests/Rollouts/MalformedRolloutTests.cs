using Switchback.Core.Manifests;

namespace Switchback.Core.Tests.Rollouts;

public sealed class MalformedRolloutTests
{
    /// <summary>A rollout body (after kind/deployment/candidate), the field path and a fragment of the message.</summary>
    public static TheoryData<string, string, string> Corpus { get; } = new()
    {
        { "steps:\n  - canary: { weight: 100 }\n", "steps", "this plan promotes without measuring anything" },
        { "strategy: blue-green\nbake: 10m\npreview: key\n", "steps", "or set 'unverified: true'" },
        { "strategy: blue-green\nbake: 10m\npreview: key\nmin_requests: 0\n", "steps", "promotes without measuring anything" },
        { "steps:\n  - pause: { duration: 5m }\n  - canary: { weight: 100 }\n", "steps", "no pause for an operator" },
        { "promote_when: always\n", "promote_when", "'always' is not a promotion rule: expected no_harm_shown" },
        { "margin: 0.1\n", "margin", "margin applies to promote_when: no_harm_shown only" },
        { "promote_when: no_harm_shown\nmargin: 0\n", "margin", "a margin above 0 and at most 5" },
        { "promote_when: no_harm_shown\nguardrails:\n  - { signal: upstream_oom, max: 0 }\n", "promote_when", "needs a compare: baseline guardrail" },
        { "strategy: blue-green\nbake: 10m\npromote_when: no_harm_shown\nguardrails:\n  - { signal: error_rate, compare: baseline }\n", "promote_when", "a timed canary step below 100 %" },
        { "unverified: yes\nsteps:\n  - canary: { weight: 100 }\n", "unverified", "expected true or false, got the string \"yes\"" },
        { "strategy: rainbow\n", "strategy", "'rainbow' is not a strategy: expected canary, linear, blue-green or shadow" },
        { "colour: blue\n", "colour", "unknown field 'colour': expected one of deployment, candidate" },
        { "candidate: 0\n", "candidate", "expected a whole number from 1 to 2147483647, got 0" },
        { "steps: []\n", "steps", "the list of steps is empty" },
        { "steps: { canary: 5 }\n", "steps", "expected a list of steps (shadow, canary, pause), got a mapping" },
        { "steps:\n  - canary: { weight: 150, duration: 5m }\n", "steps[0].canary.weight", "a percentage greater than 0 and at most 100, in steps of 0.01, got 150" },
        { "steps:\n  - canary: { weight: 0.001, duration: 5m }\n", "steps[0].canary.weight", "in steps of 0.01" },
        { "steps:\n  - canary: { weight: \"5\", duration: 5m }\n", "steps[0].canary.weight", "got the string \"5\"" },
        { "steps:\n  - canary: { weight: 5 }\n", "steps[0].canary.duration", "required field is missing below weight 100" },
        { "steps:\n  - canary: { weight: 5, duration: 5 }\n", "steps[0].canary.duration", "expected a duration such as 30s, 5m, 1h30m or 2d, got 5" },
        { "steps:\n  - canary: { weight: 5, duration: 5x }\n", "steps[0].canary.duration", "'5x' is not a duration" },
        { "steps:\n  - canary: { weight: 5, duration: 5m, min_requests: 0 }\n", "steps[0].canary.min_requests", "a whole number of at least 1, got 0" },
        { "steps:\n  - canary: { weight: 50, duration: 5m }\n  - canary: { weight: 10, duration: 5m }\n", "steps[1].canary.weight", "weights must not decrease" },
        { "steps:\n  - canry: { weight: 5, duration: 5m }\n", "steps[0]", "expected a mapping with exactly one of shadow, canary, pause, got a mapping with keys canry" },
        { "steps:\n  - canary: { weight: 5, duration: 5m }\n    pause: {}\n", "steps[0]", "exactly one of shadow, canary, pause" },
        { "steps:\n  - shadow: { duration: 10m }\n", "steps", "a canary plan needs at least one canary step" },
        { "steps:\n  - shadow: { sample: 0.5 }\n  - canary: { weight: 100 }\n", "steps[0].shadow.duration", "required field is missing" },
        { "steps:\n  - shadow: { duration: 5m, sample: 1.5 }\n  - canary: { weight: 100 }\n", "steps[0].shadow.sample", "a share of requests greater than 0 and at most 1" },
        { "steps:\n  - pause: { duration: soon }\n  - canary: { weight: 100 }\n", "steps[0].pause.duration", "'soon' is not a duration" },
        { "steps:\n  - pause: { until: promote }\n  - canary: { weight: 100 }\n", "steps[0].pause.until", "unknown field 'until': expected one of duration" },
        { "strategy: linear\n", "linear", "required field is missing for strategy: linear" },
        { "strategy: linear\nlinear: { step: 10 }\n", "linear.interval", "required field is missing" },
        { "strategy: linear\nlinear: { step: 0, interval: 5m }\n", "linear.step", "a percentage greater than 0 and at most 100" },
        { "strategy: linear\nlinear: { step: 10, interval: 5m }\nsteps: []\n", "steps", "'steps' belongs to strategy: canary, not linear" },
        { "strategy: blue-green\n", "bake", "required field is missing" },
        { "strategy: blue-green\nbake: 10m\npreview: dark\n", "preview", "'dark' is not a preview mode: expected shadow or key" },
        { "strategy: blue-green\nbake: 10m\npreview: key\nsample: 0.5\n", "sample", "sample applies to preview: shadow only" },
        { "strategy: blue-green\nbake: 10m\nmin_requests: 0\n", "min_requests", "a shadow bake needs at least 1 request" },
        { "strategy: shadow\nsample: 0.5\n", "duration", "required field is missing" },
        { "strategy: shadow\nduration: 1h\nbake: 5m\n", "bake", "'bake' belongs to strategy: blue-green, not shadow" },
        { "guardrails: { signal: error_rate }\n", "guardrails", "expected a list of guardrails" },
        { "guardrails:\n  - { signal: happiness, compare: baseline }\n", "guardrails[0].signal", "'happiness' is not a guardrail signal: expected one of error_rate" },
        { "guardrails:\n  - { signal: eval_score, compare: baseline }\n", "guardrails[0].signal", "(offline scores belong in gate:)" },
        { "guardrails:\n  - { compare: baseline }\n", "guardrails[0].signal", "required field is missing: expected a signal name" },
        { "guardrails:\n  - { signal: error_rate }\n", "guardrails[0]", "a guardrail needs a rule: compare: baseline, max: LIMIT or min: LIMIT" },
        { "guardrails:\n  - { signal: error_rate, compare: baseline, max: 0.1 }\n", "guardrails[0]", "a guardrail has exactly one rule, got compare and max" },
        { "guardrails:\n  - { signal: error_rate, compare: yesterday }\n", "guardrails[0].compare", "'yesterday' cannot be compared with: expected baseline" },
        { "guardrails:\n  - { signal: error_rate, compare: baseline, severity: fatal }\n", "guardrails[0].severity", "'fatal' is not a severity" },
        { "guardrails:\n  - { signal: error_rate, max: 1.5 }\n", "guardrails[0].max", "a rate from 0 to 1 (0.05 = 5 % of requests), got 1.5" },
        { "guardrails:\n  - { signal: upstream_oom, max: 0.5 }\n", "guardrails[0].max", "a number of events (a whole number of at least 0), got 0.5" },
        { "guardrails:\n  - { signal: latency_p95, max: 2000 }\n", "guardrails[0].max", "latency_p95 takes compare: baseline (with max_ratio), not an absolute max" },
        { "guardrails:\n  - { signal: latency_p95, compare: baseline, max_ratio: 0 }\n", "guardrails[0].max_ratio", "a ratio from 0.01 to 100" },
        { "guardrails:\n  - { signal: upstream_oom, max: 0, max_ratio: 2 }\n", "guardrails[0].max_ratio", "max_ratio applies to compare: baseline only" },
        { "guardrails:\n  - { signal: error_rate, min: 0.5 }\n", "guardrails[0].min", "min applies to shadow_agreement only" },
        { "guardrails:\n  - { signal: shadow_agreement, compare: baseline }\n", "guardrails[0].compare", "use min: AGREEMENT" },
        { "guardrails:\n  - { signal: error_rate, compare: baseline }\n  - { signal: error_rate, compare: baseline, severity: soft }\n", "guardrails[1]", "a second guardrail on error_rate with the same rule" },
        { "alpha: 0.5\n", "alpha", "a number greater than 0 and less than 0.5, got 0.5" },
        { "alpha: 0\n", "alpha", "a number greater than 0 and less than 0.5, got 0" },
        { "alpha: \"0.01\"\n", "alpha", "got the string \"0.01\"" },
        { "rollback_window: forever\n", "rollback_window", "'forever' is not a duration" },
        { "alerts:\n  - webhook: ftp://x/y\n", "alerts[0].webhook", "'ftp://x/y' is not an absolute http or https URL" },
        { "alerts:\n  - { webhook: \"http://x/y\", slack: yes }\n", "alerts[0].slack", "expected true or false, got the string \"yes\"" },
        { "alerts:\n  - slack: true\n", "alerts[0].webhook", "required field is missing" },
        { "gate: { dataset: golden.jsonl }\n", "gate", "a gate needs min_score, max_drop_vs_stable or both" },
        { "gate: { min_score: 0.9 }\n", "gate.dataset", "required field is missing" },
        { "gate: { dataset: golden.jsonl, min_score: 90 }\n", "gate.min_score", "a score from 0 to 1, got 90" },
        { "gate: golden.jsonl\n", "gate", "expected a mapping with fields dataset, min_score, max_drop_vs_stable, got the string \"golden.jsonl\"" },
    };

    [Theory]
    [MemberData(nameof(Corpus))]
    public void Parse_Malformed_NamesFieldPathAndExpectation(string body, string path, string fragment)
    {
        var result = SpecText.Parse(SpecText.Header + body);

        Assert.False(result.IsValid);
        Assert.Null(result.Spec);
        var error = Assert.Single(result.Errors, e => e.Path == path);
        Assert.Contains(fragment, error.Message, StringComparison.Ordinal);
        Assert.Equal("rollout.yaml", error.Source);
        Assert.Equal(0, error.DocumentIndex);
    }

    [Fact]
    public void Parse_SecondDocument_ErrorCarriesDocumentIndex()
    {
        var read = ManifestReader.Read("kind: Rollout\ndeployment: a\n---\nkind: Rollout\ndeployment: b\nalpha: 2\n", "two.yaml");
        var second = Assert.IsType<RolloutManifest>(read.Documents[1]);

        var error = Assert.Single(Switchback.Core.Rollouts.RolloutSpec.Parse(second, "two.yaml").Errors);

        Assert.Equal((1, "alpha"), (error.DocumentIndex, error.Path));
        Assert.StartsWith("two.yaml: document 1: alpha: ", error.ToString(), StringComparison.Ordinal);
    }
}
