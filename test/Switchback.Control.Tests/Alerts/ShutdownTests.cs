using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Switchback.Control.Alerts;
using Switchback.Control.Tests.Alerts.Support;

namespace Switchback.Control.Tests.Alerts;

public sealed class ShutdownTests
{
    [Fact]
    public async Task DrainAsync_QueuedAlerts_AllDeliveredBeforeItReturns()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var receiver = await WebhookReceiver.StartAsync((n, _) => n == 1 ? release.Task : Task.CompletedTask);
        await using var fixture = new Fixture();
        AlertReceiver[] target = [new(receiver.Url)];
        foreach (var deployment in new[] { "d1", "d2", "d3" })
        {
            fixture.Dispatcher.Enqueue(Fixture.Alert(deployment), target);
        }

        await receiver.NextAsync();
        var drain = fixture.Dispatcher.DrainAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
        Assert.False(drain.IsCompleted);
        release.SetResult();
        await drain.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);

        Assert.Equal(3, fixture.Watch.Seen.Count(a => a.Outcome == AlertDeliveryOutcome.Delivered));
        Assert.Equal(3, receiver.Count);
    }

    [Fact]
    public async Task DrainAsync_ReceiverHangs_AbandonsTheRestWhenTheWaitEnds()
    {
        await using var receiver = await WebhookReceiver.StartAsync((_, context) => WebhookReceiver.HangAsync(context));
        await using var fixture = new Fixture(o => o.AttemptTimeout = TimeSpan.FromMinutes(5));
        AlertReceiver[] target = [new(receiver.Url)];
        fixture.Dispatcher.Enqueue(Fixture.Alert("d1"), target);
        fixture.Dispatcher.Enqueue(Fixture.Alert("d2"), target);
        await receiver.NextAsync();

        var drain = fixture.Dispatcher.DrainAsync(TimeSpan.FromSeconds(1), TestContext.Current.CancellationToken);
        fixture.Time.Advance(TimeSpan.FromMilliseconds(999));
        Assert.False(drain.IsCompleted);
        fixture.Time.Advance(TimeSpan.FromMilliseconds(1));
        await drain.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);

        Assert.Equal("shutdown came during delivery", (await fixture.Watch.WaitForAsync("d1", AlertDeliveryOutcome.Abandoned)).Error);
        Assert.Equal("shutdown came before delivery", (await fixture.Watch.WaitForAsync("d2", AlertDeliveryOutcome.Abandoned)).Error);
        Assert.Contains(fixture.Logger.Entries, e => e.EventId == 305);
    }

    [Fact]
    public async Task Enqueue_AfterDrain_RecordedAbandoned()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var fixture = new Fixture();
        await fixture.Dispatcher.DrainAsync(TimeSpan.FromSeconds(1), TestContext.Current.CancellationToken);

        fixture.Dispatcher.Enqueue(Fixture.Alert(), [new AlertReceiver(receiver.Url)]);

        var abandoned = await fixture.Watch.WaitForAsync("support-bot", AlertDeliveryOutcome.Abandoned);
        Assert.Equal("the alert dispatcher is shutting down", abandoned.Error);
        Assert.Equal(0, receiver.Count);
    }

    [Fact]
    public async Task AddSwitchbackAlerts_HostStartsAndStops_DeliversAndDrains()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var receiver = await WebhookReceiver.StartAsync((n, _) => n == 1 ? release.Task : Task.CompletedTask);
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Services.AddSingleton<TimeProvider>(new FakeTimeProvider());
        builder.Services.AddSwitchbackAlerts(o => o.MaxAttempts = 2);
        using var host = builder.Build();
        await host.StartAsync(TestContext.Current.CancellationToken);
        var dispatcher = host.Services.GetRequiredService<IAlertDispatcher>();
        Assert.Same(host.Services.GetRequiredService<WebhookAlertDispatcher>(), dispatcher);
        Assert.Equal(2, host.Services.GetRequiredService<IOptions<AlertOptions>>().Value.MaxAttempts);

        dispatcher.Enqueue(Fixture.Alert("d1"), [new AlertReceiver(receiver.Url)]);
        dispatcher.Enqueue(Fixture.Alert("d2"), [new AlertReceiver(receiver.Url)]);
        await receiver.NextAsync();
        var stop = host.StopAsync(TestContext.Current.CancellationToken);
        Assert.False(stop.IsCompleted);
        release.SetResult();
        await stop.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);

        var log = host.Services.GetRequiredService<AlertDeliveryLog>();
        Assert.Equal(2, log.Status(new AlertReceiver(receiver.Url))!.Delivered);
    }

    [Fact]
    public async Task AddSwitchbackAlerts_InvalidOptions_HostRefusesToStart()
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Services.AddSwitchbackAlerts(o => o.AttemptTimeout = TimeSpan.Zero);
        using var host = builder.Build();

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync(TestContext.Current.CancellationToken));

        Assert.Contains("AttemptTimeout must be more than zero", error.Message);
    }
}
