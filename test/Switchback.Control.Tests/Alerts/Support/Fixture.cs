using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Switchback.Control.Alerts;

namespace Switchback.Control.Tests.Alerts.Support;

/// <summary>A dispatcher on a fake clock with a seeded jitter source, its log watch and its logger.</summary>
internal sealed class Fixture : IAsyncDisposable
{
    public const int Seed = 42;

    public Fixture(Action<AlertOptions>? configure = null)
    {
        configure?.Invoke(Options);
        Log = new AlertDeliveryLog(Microsoft.Extensions.Options.Options.Create(Options));
        Watch = new DeliveryWatch(Log);
        Dispatcher = new WebhookAlertDispatcher(Microsoft.Extensions.Options.Options.Create(Options), Time, Log, Logger, new Random(Seed));
    }

    public AlertOptions Options { get; } = new();

    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2025, 3, 1, 12, 0, 0, TimeSpan.Zero));

    public AlertDeliveryLog Log { get; }

    public DeliveryWatch Watch { get; }

    public ListLogger<WebhookAlertDispatcher> Logger { get; } = new();

    public WebhookAlertDispatcher Dispatcher { get; }

    public static AlertMessage Alert(string deployment = "support-bot", string kind = "rollback") => new(
        kind,
        deployment,
        "r-12",
        $"{deployment}@8 rolled back: error_rate 4.1 % vs 1.0 % (e-value 212 ≥ 200)",
        new JsonObject
        {
            ["signal"] = "error_rate",
            ["statistic"] = "e-value",
            ["e_value"] = 212.5,
            ["threshold"] = 200,
            ["counts"] = new JsonObject { ["stable"] = 10_000, ["candidate"] = 1_000 },
        },
        new DateTimeOffset(2025, 3, 1, 11, 59, 30, TimeSpan.Zero));

    /// <summary>Stops at once: a drain on the fake clock would otherwise wait for a time nobody advances.</summary>
    public async ValueTask DisposeAsync()
    {
        await Dispatcher.DrainAsync(TimeSpan.Zero);
        await Dispatcher.DisposeAsync();
    }
}
