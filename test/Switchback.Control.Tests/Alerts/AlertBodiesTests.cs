using System.Text.Json;
using System.Text.Json.Nodes;
using Switchback.Control.Alerts;
using Switchback.Control.Tests.Alerts.Support;

namespace Switchback.Control.Tests.Alerts;

public sealed class AlertBodiesTests
{
    private static JsonElement Parse(AlertMessage alert, bool slack) => JsonDocument.Parse(AlertBodies.For(alert, slack)).RootElement;

    [Fact]
    public void Generic_Alert_HasEveryFieldInSnakeCase()
    {
        var body = Parse(Fixture.Alert(), slack: false);

        Assert.Equal(["kind", "deployment", "rollout_id", "summary", "evidence", "time", "switchback"], body.EnumerateObject().Select(p => p.Name));
        Assert.Equal("rollback", body.GetProperty("kind").GetString());
        Assert.Equal("2025-03-01T11:59:30.000Z", body.GetProperty("time").GetString());
        Assert.Equal(212.5, body.GetProperty("evidence").GetProperty("e_value").GetDouble());
        Assert.Equal(AlertBodies.Version, body.GetProperty("switchback").GetProperty("version").GetString());
        Assert.DoesNotContain('+', AlertBodies.Version);
    }

    [Fact]
    public void Generic_NoRollout_RolloutIdIsNull()
    {
        var body = Parse(Fixture.Alert() with { RolloutId = null, Time = new DateTimeOffset(2025, 3, 1, 13, 0, 0, TimeSpan.FromHours(1)) }, slack: false);

        Assert.Equal(JsonValueKind.Null, body.GetProperty("rollout_id").ValueKind);
        Assert.Equal("2025-03-01T12:00:00.000Z", body.GetProperty("time").GetString());
    }

    [Fact]
    public void Generic_EvidenceChangedAfterwards_BodyKeepsTheOriginal()
    {
        var alert = Fixture.Alert();
        var bytes = AlertBodies.For(alert, slack: false);
        alert.Evidence["e_value"] = 1;

        Assert.Equal(212.5, JsonDocument.Parse(bytes).RootElement.GetProperty("evidence").GetProperty("e_value").GetDouble());
    }

    [Fact]
    public void Slack_Alert_IsIncomingWebhookPayloadWithEvidenceFields()
    {
        var body = Parse(Fixture.Alert(), slack: true);

        Assert.Equal(Fixture.Alert().Summary, body.GetProperty("text").GetString());
        var blocks = body.GetProperty("blocks").EnumerateArray().ToList();
        Assert.Equal(["section", "section", "context"], blocks.Select(b => b.GetProperty("type").GetString()));
        var headline = blocks[0].GetProperty("text");
        Assert.Equal("mrkdwn", headline.GetProperty("type").GetString());
        Assert.StartsWith("*Rollback* · `support-bot` · rollout `r-12`\n", headline.GetProperty("text").GetString());
        var fields = blocks[1].GetProperty("fields").EnumerateArray().Select(f => f.GetProperty("text").GetString()).ToList();
        Assert.Contains("*e_value*\n212.5", fields);
        Assert.Contains("*counts.candidate*\n1000", fields);
        Assert.Contains("*signal*\nerror_rate", fields);
        Assert.All(blocks[1].GetProperty("fields").EnumerateArray(), f => Assert.Equal("mrkdwn", f.GetProperty("type").GetString()));
        var context = blocks[2].GetProperty("elements")[0];
        Assert.Equal("mrkdwn", context.GetProperty("type").GetString());
        Assert.Contains("2025-03-01T11:59:30.000Z", context.GetProperty("text").GetString());
    }

    [Fact]
    public void Slack_MarkupInNames_IsEscaped()
    {
        var alert = Fixture.Alert(deployment: "a<b>&c") with { Evidence = new JsonObject { ["<x>"] = "1 & 2" } };

        var text = Parse(alert, slack: true).GetProperty("blocks")[0].GetProperty("text").GetProperty("text").GetString()!;
        var field = Parse(alert, slack: true).GetProperty("blocks")[1].GetProperty("fields")[0].GetProperty("text").GetString();

        Assert.Contains("`a&lt;b&gt;&amp;c`", text);
        Assert.Equal("*&lt;x&gt;*\n1 &amp; 2", field);
    }

    [Fact]
    public void Slack_MoreThanTenEvidenceValues_KeepsTenFieldsWithACount()
    {
        var evidence = new JsonObject();
        for (var i = 0; i < 14; i++)
        {
            evidence[$"k{i}"] = i;
        }

        var fields = Parse(Fixture.Alert() with { Evidence = evidence }, slack: true).GetProperty("blocks")[1].GetProperty("fields");

        Assert.Equal(10, fields.GetArrayLength());
        Assert.Equal("*…*\n5 more in the audit log", fields[9].GetProperty("text").GetString());
    }

    [Fact]
    public void Slack_EmptyEvidenceAndSummary_HasNoEmptyBlock()
    {
        var body = Parse(Fixture.Alert() with { Evidence = [], Summary = " " }, slack: true);

        Assert.Equal("rollback: support-bot", body.GetProperty("text").GetString());
        Assert.Equal(["section", "context"], body.GetProperty("blocks").EnumerateArray().Select(b => b.GetProperty("type").GetString()));
    }

    [Fact]
    public void Slack_LongSummary_IsCutToSlackLimit()
    {
        var body = Parse(Fixture.Alert() with { Summary = new string('x', 5000) }, slack: true);

        Assert.Equal(3000, body.GetProperty("text").GetString()!.Length);
        Assert.Equal(3000, body.GetProperty("blocks")[0].GetProperty("text").GetProperty("text").GetString()!.Length);
    }
}
