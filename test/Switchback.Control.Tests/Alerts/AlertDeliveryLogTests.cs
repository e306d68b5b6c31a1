using Switchback.Control.Alerts;
using MsOptions = Microsoft.Extensions.Options.Options;

namespace Switchback.Control.Tests.Alerts;

public sealed class AlertDeliveryLogTests
{
    private static readonly DateTimeOffset T0 = new(2025, 3, 1, 12, 0, 0, TimeSpan.Zero);

    private static AlertDeliveryAttempt Attempt(AlertReceiver receiver, int n, AlertDeliveryOutcome outcome, int? status = null) =>
        new(T0.AddSeconds(n), AlertReceiverNames.Of(receiver), "pause", "bot", n, outcome, status);

    [Fact]
    public void Record_MoreThanTheSize_KeepsTheLatestAndCountsAll()
    {
        var log = new AlertDeliveryLog(MsOptions.Create(new AlertOptions { DeliveryLogSize = 3 }));
        var receiver = new AlertReceiver(new Uri("http://127.0.0.1:9100/hooks/oncall"));

        for (var i = 1; i <= 5; i++)
        {
            log.Record(Attempt(receiver, i, AlertDeliveryOutcome.Delivered, 200));
        }

        Assert.Equal([3, 4, 5], log.Attempts(receiver).Select(a => a.Attempt));
        Assert.Equal(5, log.Status(receiver)!.Delivered);
    }

    [Fact]
    public void Status_FailuresThenDelivery_IsFailingUntilDelivered()
    {
        var log = new AlertDeliveryLog(MsOptions.Create(new AlertOptions()));
        var receiver = new AlertReceiver(new Uri("http://127.0.0.1:9100/hooks/oncall"));
        log.Record(Attempt(receiver, 1, AlertDeliveryOutcome.Retrying, 503));

        Assert.True(log.Status(receiver)!.IsFailing);
        Assert.EndsWith("failing: 1 attempt, last HTTP 503", log.Status(receiver)!.Describe());

        log.Record(Attempt(receiver, 2, AlertDeliveryOutcome.Delivered, 200));

        Assert.False(log.Status(receiver)!.IsFailing);
        Assert.EndsWith("ok: 1 delivered, 0 failed, 0 dropped", log.Status(receiver)!.Describe());
        Assert.Null(log.Status(new AlertReceiver(new Uri("http://127.0.0.1:9100/hooks/other"))));
        Assert.Empty(log.Attempts(new AlertReceiver(new Uri("http://127.0.0.1:9100/hooks/other"))));
    }

    [Fact]
    public void Of_SecretInPathQueryOrUserInfo_ShowsOnlySchemeHostAndPort()
    {
        var slack = new AlertReceiver(new Uri("https://user:pw@hooks.slack.com/services/T0/B0/XYZsecret?token=abc"), Slack: true);
        var other = new AlertReceiver(new Uri("https://user:pw@hooks.slack.com/services/T0/B0/another"), Slack: true);

        var name = AlertReceiverNames.Of(slack);

        Assert.Matches(@"^https://hooks\.slack\.com/…#[0-9a-f]{8} \(slack\)$", name);
        Assert.NotEqual(name, AlertReceiverNames.Of(other));
        Assert.Equal(name, AlertReceiverNames.Of(slack with { }));
    }
}
