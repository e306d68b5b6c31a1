using Switchback.Core.Manifests;
using Switchback.Core.Monitors;

namespace Switchback.Core.Tests.Monitors;

public sealed class MonitorManifestTests
{
    private const string Head = "kind: Monitor\ndeployment: support-bot\n";

    /// <summary>A malformed monitor document, the field path its error names and a fragment of the message.</summary>
    public static TheoryData<string, string, string> Malformed { get; } = new()
    {
        { "kind: Monitor\nsignals: [error_rate]\n", "deployment", "required field is missing" },
        { Head, "signals", "required field is missing: expected a list of signal names" },
        { Head + "signals: error_rate\n", "signals", "expected a list of signal names such as [error_rate, timeout_rate], got 'error_rate'" },
        { Head + "signals: []\n", "signals", "expected a list of signal names" },
        { Head + "signals: [error_rat]\n", "signals[0]", "'error_rat' is not a signal: expected one of error_rate, timeout_rate" },
        { Head + "signals: [error_rate, error_rate]\n", "signals[1]", "'error_rate' is listed twice" },
        { Head + "signals: [shadow_agreement]\n", "signals[0]", "'shadow_agreement' is not watched by monitors: it compares a shadow with stable" },
        { Head + "signals: [error_rate, latency_p95, latency_p95]\n", "signals[2]", "'latency_p95' is listed twice" },
        { Head + "signals: [{ a: 1 }]\n", "signals[0]", "expected a signal name, got a mapping" },
        { Head + "signals: [error_rate]\nfalse_alarm_every: soon\n", "false_alarm_every", "'soon' is not a duration" },
        { Head + "signals: [error_rate]\nfalse_alarm_every: 5m\n", "false_alarm_every", "expected at least ten batches (10m)" },
        { Head + "signals: [error_rate]\nbatch: 0s\n", "batch", "'0s' is not a duration" },
        { Head + "signals: [error_rate]\nseasonality: weekly\n", "seasonality", "'weekly' is not a seasonality: expected daily or none" },
        { Head + "signals: [error_rate]\nlearn: 2h\n", "learn", "seasonality: daily compares each batch with the same hour of earlier days, so learn must be at least 1d" },
        { Head + "signals: [error_rate]\nseasonality: none\nlearn: 30s\n", "learn", "expected at least one batch (1m), got 30s" },
        { Head + "signals: [error_rate]\nbaseline: 12h\n", "baseline", "must be at least as long as learn (1d)" },
        { Head + "signals: [error_rate]\nthreshold: 3\n", "threshold", "unknown field 'threshold': expected one of kind, deployment, signals, false_alarm_every" },
        { Head + "signals: [error_rate]\nalerts: { webhook: http://h/x }\n", "alerts", "expected a list of alert targets" },
        { Head + "signals: [error_rate]\nalerts: [ { webhook: ftp://h/x } ]\n", "alerts[0].webhook", "'ftp://h/x' is not an absolute http or https URL" },
        { Head + "signals: [error_rate]\nalerts: [ { slack: not-a-url } ]\n", "alerts[0].slack", "'not-a-url' is not an absolute http or https URL" },
        { Head + "signals: [error_rate]\nalerts: [ { webhook: http://h/x, slack: maybe } ]\n", "alerts[0].slack", "expected true or false beside webhook, got 'maybe'" },
        { Head + "signals: [error_rate]\nalerts: [ {} ]\n", "alerts[0].webhook", "required field is missing: expected webhook: URL or slack: URL" },
        { Head + "signals: [error_rate]\nalerts: [ { email: a@b } ]\n", "alerts[0].email", "unknown field 'email'" },
        { "{\"kind\": \"Monitor\", \"deployment\": \"support-bot\", \"signals\": [\"error_rate\"], \"batch\": 5}", "batch", "expected a duration" },
    };

    [Theory]
    [MemberData(nameof(Malformed))]
    public void Read_MalformedMonitor_NamesTheFieldAndWhatWasExpected(string text, string path, string fragment)
    {
        var result = ManifestReader.Read(text, "monitor.yaml");

        Assert.False(result.IsValid);
        Assert.Empty(result.Documents);
        Assert.Contains(result.Errors, e => e.Source == "monitor.yaml" && e.DocumentIndex == 0 && e.Path == path && e.Message.Contains(fragment, StringComparison.Ordinal));
    }

    [Fact]
    public void Read_ProductExample_FillsDefaultsAndReadsSlackUrl()
    {
        const string text = Head + "signals: [error_rate, latency_p95, thumbs_down_rate]\nfalse_alarm_every: 30d\nalerts: [ { slack: https://hooks.example/T0/B0 } ]\n";

        var spec = Assert.IsType<MonitorManifest>(Assert.Single(ManifestReader.Read(text, "m.yaml").Documents)).Spec;

        Assert.Equal("support-bot", spec.Deployment);
        Assert.Equal(["error_rate", "latency_p95", "thumbs_down_rate"], spec.Signals);
        Assert.Equal((null, 0.95), (MonitorSpec.QuantileOf("error_rate"), MonitorSpec.QuantileOf("latency_p95")));
        Assert.Equal((TimeSpan.FromDays(30), TimeSpan.FromMinutes(1), TimeSpan.FromDays(7), TimeSpan.FromDays(1)), (spec.FalseAlarmEvery, spec.Batch, spec.Baseline, spec.Learn));
        Assert.Equal(MonitorSeasonality.Daily, spec.Seasonality);
        Assert.Equal(30 * 24 * 60, spec.Threshold);
        var alert = Assert.Single(spec.Alerts);
        Assert.Equal(("https://hooks.example/T0/B0", true), (alert.Webhook.ToString(), alert.Slack));
    }

    [Fact]
    public void ToJson_ReadBack_GivesTheSameSpec()
    {
        const string text = Head + "signals: [timeout_rate, error_rate]\nbatch: 5s\nlearn: 90s\nbaseline: 1h\nseasonality: none\nfalse_alarm_every: 1d\nalerts: [ { webhook: http://127.0.0.1:9/h, slack: true } ]\n";
        var spec = ((MonitorManifest)ManifestReader.Read(text, "m.yaml").Documents[0]).Spec;

        var again = ((MonitorManifest)ManifestReader.Read(spec.ToJson().ToJsonString(), "stored").Documents[0]).Spec;

        Assert.Equal(spec.ToJson().ToJsonString(), again.ToJson().ToJsonString());
        Assert.Equal((TimeSpan.FromSeconds(90), "1m30s"), (again.Learn, MonitorSpec.Format(again.Learn)));
        Assert.Equal(17_280, again.Threshold);
    }
}
