using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Switchback.Control.Alerts;
using MsOptions = Microsoft.Extensions.Options.Options;

namespace Switchback.Control.Tests.Alerts;

public sealed class AlertOptionsTests
{
    [Fact]
    public void Validate_Defaults_HasNoErrors() => Assert.Empty(new AlertOptions().Validate());

    [Fact]
    public void Validate_EverythingWrong_NamesEachSetting()
    {
        var options = new AlertOptions
        {
            QueueCapacity = 0,
            MaxAttempts = 0,
            InitialBackoff = TimeSpan.Zero,
            MaxBackoff = TimeSpan.FromHours(2),
            AttemptTimeout = TimeSpan.FromSeconds(-1),
            DrainTimeout = TimeSpan.FromMinutes(6),
            DeliveryLogSize = 0,
        };

        var errors = options.Validate();

        Assert.Equal(7, errors.Count);
        foreach (var name in new[] { "QueueCapacity", "MaxAttempts", "InitialBackoff", "MaxBackoff", "AttemptTimeout", "DrainTimeout", "DeliveryLogSize" })
        {
            Assert.Contains(errors, e => e.StartsWith($"alerts: {name} ", StringComparison.Ordinal));
        }
    }

    [Fact]
    public void Validate_MaxBackoffBelowInitial_IsAnError()
    {
        var errors = new AlertOptions { InitialBackoff = TimeSpan.FromSeconds(10), MaxBackoff = TimeSpan.FromSeconds(5) }.Validate();

        Assert.Equal("alerts: MaxBackoff must be between InitialBackoff (00:00:10) and 1 h, got 00:00:05", Assert.Single(errors));
    }

    [Fact]
    public void Constructor_InvalidOptions_ThrowsWithEveryProblem()
    {
        var options = MsOptions.Create(new AlertOptions { MaxAttempts = 0, QueueCapacity = -5 });
        var log = new AlertDeliveryLog(MsOptions.Create(new AlertOptions()));

        var error = Assert.Throws<ArgumentException>(() =>
            new WebhookAlertDispatcher(options, new FakeTimeProvider(), log, NullLogger<WebhookAlertDispatcher>.Instance));

        Assert.Contains("MaxAttempts must be 1 to 100, got 0", error.Message);
        Assert.Contains("QueueCapacity must be 1 to 100000, got -5", error.Message);
    }
}
