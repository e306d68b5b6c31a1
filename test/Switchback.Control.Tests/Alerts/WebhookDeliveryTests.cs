using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Switchback.Control.Alerts;
using Switchback.Control.Tests.Alerts.Support;

namespace Switchback.Control.Tests.Alerts;

public sealed class WebhookDeliveryTests
{
    private static Func<int, HttpContext, Task> Status(Func<int, int> status) => (n, context) =>
    {
        context.Response.StatusCode = status(n);
        return Task.CompletedTask;
    };

    [Fact]
    public async Task Enqueue_GenericReceiver_ReceivesEveryField()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var fixture = new Fixture();

        fixture.Dispatcher.Enqueue(Fixture.Alert(), [new AlertReceiver(receiver.Url)]);

        var request = await receiver.NextAsync();
        Assert.Equal("/hooks/T000/B000/s3cr3t-token", request.Path);
        Assert.Equal("application/json; charset=utf-8", request.ContentType);
        Assert.StartsWith("Switchback/", request.UserAgent);
        Assert.Equal("support-bot", request.Body.GetProperty("deployment").GetString());
        Assert.Equal("r-12", request.Body.GetProperty("rollout_id").GetString());
        Assert.Equal(10_000, request.Body.GetProperty("evidence").GetProperty("counts").GetProperty("stable").GetInt32());
        var delivered = await fixture.Watch.WaitForAsync("support-bot", AlertDeliveryOutcome.Delivered, attempt: 1);
        Assert.Equal(200, delivered.StatusCode);
        Assert.DoesNotContain("s3cr3t", delivered.Receiver);
        Assert.Equal(1, fixture.Log.Status(new AlertReceiver(receiver.Url))!.Delivered);
    }

    [Fact]
    public async Task Enqueue_SlackAndGenericReceivers_EachGetsItsBody()
    {
        await using var slack = await WebhookReceiver.StartAsync();
        await using var generic = await WebhookReceiver.StartAsync();
        await using var fixture = new Fixture();

        fixture.Dispatcher.Enqueue(Fixture.Alert(), [new AlertReceiver(slack.Url, Slack: true), new AlertReceiver(generic.Url)]);

        var slackBody = (await slack.NextAsync()).Body;
        Assert.Equal(Fixture.Alert().Summary, slackBody.GetProperty("text").GetString());
        Assert.Equal("section", slackBody.GetProperty("blocks")[0].GetProperty("type").GetString());
        Assert.False(slackBody.TryGetProperty("kind", out _));
        Assert.Equal("rollback", (await generic.NextAsync()).Body.GetProperty("kind").GetString());
    }

    [Fact]
    public async Task Deliver_FailsTwiceThenSucceeds_DeliveredOnThirdAttemptAfterBackoff()
    {
        await using var receiver = await WebhookReceiver.StartAsync(Status(n => n <= 2 ? 500 : 204));
        // Minutes-long backoffs: a retry that ignored the fake clock would not come within the test's safety net.
        await using var fixture = new Fixture(o => (o.InitialBackoff, o.MaxBackoff) = (TimeSpan.FromMinutes(2), TimeSpan.FromMinutes(30)));
        var jitter = new Random(Fixture.Seed);
        var start = fixture.Time.GetUtcNow();

        fixture.Dispatcher.Enqueue(Fixture.Alert(), [new AlertReceiver(receiver.Url)]);

        await receiver.NextAsync();
        var first = await fixture.Watch.WaitForAsync("support-bot", AlertDeliveryOutcome.Retrying, attempt: 1);
        var delay1 = AlertBackoff.Delay(1, fixture.Options, jitter.NextDouble());
        Assert.Equal(500, first.StatusCode);
        Assert.Equal(start + delay1, first.NextAttemptAt);
        fixture.Time.Advance(delay1 - TimeSpan.FromMilliseconds(1));
        Assert.Equal(1, receiver.Count);
        fixture.Time.Advance(TimeSpan.FromMilliseconds(1));

        Assert.Equal(2, (await receiver.NextAsync()).Number);
        var second = await fixture.Watch.WaitForAsync("support-bot", AlertDeliveryOutcome.Retrying, attempt: 2);
        var delay2 = AlertBackoff.Delay(2, fixture.Options, jitter.NextDouble());
        Assert.Equal(start + delay1 + delay2, second.NextAttemptAt);
        Assert.True(delay2 > delay1);
        fixture.Time.Advance(delay2 - TimeSpan.FromMilliseconds(1));
        Assert.Equal(2, receiver.Count);
        fixture.Time.Advance(TimeSpan.FromMilliseconds(1));

        Assert.Equal(3, (await receiver.NextAsync()).Number);
        var delivered = await fixture.Watch.WaitForAsync("support-bot", AlertDeliveryOutcome.Delivered);
        Assert.Equal(3, delivered.Attempt);
        Assert.Equal(204, delivered.StatusCode);
        var status = fixture.Log.Status(new AlertReceiver(receiver.Url))!;
        Assert.False(status.IsFailing);
        Assert.Equal(3, fixture.Log.Attempts(new AlertReceiver(receiver.Url)).Count);
    }

    [Fact]
    public async Task Deliver_AlwaysFails_GivesUpAfterMaxAttemptsLoggedAndVisible()
    {
        await using var receiver = await WebhookReceiver.StartAsync(Status(_ => 500));
        await using var fixture = new Fixture(o => o.MaxAttempts = 3);
        var target = new AlertReceiver(receiver.Url);

        fixture.Dispatcher.Enqueue(Fixture.Alert(), [target]);

        for (var attempt = 1; attempt < 3; attempt++)
        {
            await fixture.Watch.WaitForAsync("support-bot", AlertDeliveryOutcome.Retrying, attempt);
            fixture.Time.Advance(fixture.Options.MaxBackoff);
        }

        var last = await fixture.Watch.WaitForAsync("support-bot", AlertDeliveryOutcome.FailedForGood);
        Assert.Equal(3, last.Attempt);
        Assert.Equal(3, receiver.Count);
        var status = fixture.Log.Status(target)!;
        Assert.Equal((0, 1, 3), (status.Delivered, status.FailedForGood, status.ConsecutiveFailedAttempts));
        Assert.Equal($"receiver {AlertReceiverNames.Of(target)} failing: 3 attempts, last HTTP 500", status.Describe());
        Assert.Contains(fixture.Log.Statuses(), s => s.Receiver == status.Receiver);
        var error = Assert.Single(fixture.Logger.Entries, e => e.Level == LogLevel.Error);
        Assert.Equal("Alert rollback for support-bot to " + status.Receiver + " failed for good on attempt 3 (HTTP 500)", error.Message);
        Assert.Equal(2, fixture.Logger.Entries.Count(e => e.EventId == 301));
        Assert.All(fixture.Logger.Entries, e => Assert.DoesNotContain("s3cr3t", e.Message));
    }

    [Fact]
    public async Task Deliver_Status400_GivesUpWithoutRetrying()
    {
        await using var receiver = await WebhookReceiver.StartAsync(Status(_ => 400));
        await using var fixture = new Fixture();

        fixture.Dispatcher.Enqueue(Fixture.Alert(), [new AlertReceiver(receiver.Url)]);

        var last = await fixture.Watch.WaitForAsync("support-bot", AlertDeliveryOutcome.FailedForGood);
        Assert.Equal((1, 400), (last.Attempt, last.StatusCode));
        Assert.DoesNotContain(fixture.Watch.Seen, a => a.Outcome == AlertDeliveryOutcome.Retrying);
    }

    [Fact]
    public async Task Deliver_Status429WithRetryAfter_WaitsAsAsked()
    {
        await using var receiver = await WebhookReceiver.StartAsync((n, context) =>
        {
            if (n == 1)
            {
                context.Response.StatusCode = 429;
                context.Response.Headers.RetryAfter = "20";
            }

            return Task.CompletedTask;
        });
        await using var fixture = new Fixture();
        var start = fixture.Time.GetUtcNow();

        fixture.Dispatcher.Enqueue(Fixture.Alert(), [new AlertReceiver(receiver.Url)]);

        var retrying = await fixture.Watch.WaitForAsync("support-bot", AlertDeliveryOutcome.Retrying, attempt: 1);
        Assert.Equal(start + TimeSpan.FromSeconds(20), retrying.NextAttemptAt);
        fixture.Time.Advance(TimeSpan.FromSeconds(20));
        Assert.Equal(2, (await fixture.Watch.WaitForAsync("support-bot", AlertDeliveryOutcome.Delivered)).Attempt);
    }

    [Fact]
    public async Task Deliver_HangingReceiver_TimesOutWhileEnqueueReturnsAndOthersDeliver()
    {
        await using var hanging = await WebhookReceiver.StartAsync((_, context) => WebhookReceiver.HangAsync(context));
        await using var healthy = await WebhookReceiver.StartAsync();
        await using var fixture = new Fixture(o => o.MaxAttempts = 1);
        AlertReceiver[] both = [new(hanging.Url), new(healthy.Url)];

        fixture.Dispatcher.Enqueue(Fixture.Alert("first"), both);
        await hanging.NextAsync();
        await healthy.NextAsync();

        // The only worker of the hanging receiver is stuck in its attempt; enqueueing must not wait for it.
        var clock = System.Diagnostics.Stopwatch.StartNew();
        fixture.Dispatcher.Enqueue(Fixture.Alert("second"), both);
        Assert.True(clock.Elapsed < TimeSpan.FromMilliseconds(500), $"Enqueue took {clock.Elapsed}");

        Assert.Equal("second", (await healthy.NextAsync()).Body.GetProperty("deployment").GetString());
        await fixture.Watch.WaitForAsync(a => a.Deployment == "second" && a.Outcome == AlertDeliveryOutcome.Delivered);
        Assert.Equal(1, hanging.Count);
        Assert.DoesNotContain(fixture.Watch.Seen, a => a.Receiver == AlertReceiverNames.Of(both[0]));

        fixture.Time.Advance(fixture.Options.AttemptTimeout);

        var timedOut = await fixture.Watch.WaitForAsync("first", AlertDeliveryOutcome.FailedForGood);
        Assert.Equal(("timed out after 5 s", (int?)null), (timedOut.Error, timedOut.StatusCode));
        Assert.Equal("second", (await hanging.NextAsync()).Body.GetProperty("deployment").GetString());
    }

    [Fact]
    public async Task Enqueue_QueueFull_DropsOldestAndCountsIt()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var receiver = await WebhookReceiver.StartAsync((n, _) => n == 1 ? release.Task : Task.CompletedTask);
        await using var fixture = new Fixture(o => o.QueueCapacity = 2);
        AlertReceiver[] target = [new(receiver.Url)];

        fixture.Dispatcher.Enqueue(Fixture.Alert("d1"), target);
        await receiver.NextAsync();
        foreach (var deployment in new[] { "d2", "d3", "d4" })
        {
            fixture.Dispatcher.Enqueue(Fixture.Alert(deployment), target);
        }

        var dropped = await fixture.Watch.WaitForAsync("d2", AlertDeliveryOutcome.Dropped);
        Assert.Equal(0, dropped.Attempt);
        Assert.Equal(1, fixture.Dispatcher.Dropped);
        release.SetResult();
        Assert.Equal("d3", (await receiver.NextAsync()).Body.GetProperty("deployment").GetString());
        Assert.Equal("d4", (await receiver.NextAsync()).Body.GetProperty("deployment").GetString());
        await fixture.Watch.WaitForAsync("d4", AlertDeliveryOutcome.Delivered);
        Assert.Equal((3, 1), (fixture.Log.Status(target[0])!.Delivered, fixture.Log.Status(target[0])!.Dropped));
        Assert.Single(fixture.Logger.Entries, e => e.EventId == 303);
    }

    [Fact]
    public async Task Deliver_ConnectionRefused_RetriedUntilTheReceiverIsUp()
    {
        var port = FreePort();
        var url = new Uri($"http://127.0.0.1:{port}/hooks/T000/B000/s3cr3t-token");
        await using var fixture = new Fixture();

        fixture.Dispatcher.Enqueue(Fixture.Alert(), [new AlertReceiver(url)]);

        var refused = await fixture.Watch.WaitForAsync("support-bot", AlertDeliveryOutcome.Retrying, attempt: 1);
        Assert.Equal("connection refused", refused.Error);
        await using var receiver = await WebhookReceiver.StartAsync(port: port);
        fixture.Time.Advance(fixture.Options.MaxBackoff);
        Assert.Equal(2, (await fixture.Watch.WaitForAsync("support-bot", AlertDeliveryOutcome.Delivered)).Attempt);
        Assert.Equal("support-bot", (await receiver.NextAsync()).Body.GetProperty("deployment").GetString());
    }

    [Fact]
    public async Task Enqueue_UnusableWebhookOrNullReceiver_RecordedNotThrown()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var fixture = new Fixture();
        var ftp = new AlertReceiver(new Uri("ftp://127.0.0.1/hook"));

        fixture.Dispatcher.Enqueue(Fixture.Alert(), [ftp, null!, new AlertReceiver(new Uri("/relative", UriKind.Relative)), new AlertReceiver(receiver.Url)]);

        await receiver.NextAsync();
        var abandoned = fixture.Watch.Seen.Where(a => a.Outcome == AlertDeliveryOutcome.Abandoned).ToList();
        Assert.Equal(2, abandoned.Count);
        Assert.All(abandoned, a => Assert.Equal("webhook must be an absolute http:// or https:// URL", a.Error));
        Assert.Equal(1, fixture.Log.Status(ftp)!.Dropped);
        Assert.Throws<ArgumentNullException>(() => fixture.Dispatcher.Enqueue(null!, []));
    }

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }
}
