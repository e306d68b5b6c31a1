using System.Collections.Immutable;
using Switchback.Core.Bundles;
using Switchback.Core.Monitors;
using Switchback.Core.Rollouts;

namespace Switchback.Core.Manifests.Parsing;

/// <summary>The <c>kind: Monitor</c> schema (docs/manifests.md "monitors").</summary>
internal sealed partial class DocumentValidator
{
    private static readonly string[] MonitorFields = ["kind", "deployment", "signals", "false_alarm_every", "batch", "baseline", "learn", "seasonality", "alerts"];

    /// <summary>The shortest batch: the signal windows are whole seconds, and a batch needs a few of them.</summary>
    private static readonly TimeSpan MinBatch = TimeSpan.FromSeconds(1);

    private MonitorManifest? ValidateMonitor(MappingNode map)
    {
        CheckKnown(map, string.Empty, MonitorFields);
        var deployment = Deployment(map);
        var signals = MonitorSignals(map);
        var every = MonitorDuration(map, "false_alarm_every") ?? MonitorSpec.DefaultFalseAlarmEvery;
        var batch = MonitorDuration(map, "batch") ?? MonitorSpec.DefaultBatch;
        var baseline = MonitorDuration(map, "baseline") ?? MonitorSpec.DefaultBaseline;
        var seasonality = Seasonality(map);
        var learn = MonitorDuration(map, "learn") ?? (seasonality == MonitorSeasonality.Daily ? TimeSpan.FromDays(1) : TimeSpan.FromHours(1));
        var alerts = MonitorAlerts(map);
        if (batch < MinBatch || batch.Ticks % TimeSpan.TicksPerSecond != 0)
        {
            Error("batch", $"expected whole seconds of at least {MonitorSpec.Format(MinBatch)}, got {MonitorSpec.Format(batch)}", Get(map, "batch"));
        }
        else if (every < batch * 10)
        {
            Error("false_alarm_every", $"expected at least ten batches ({MonitorSpec.Format(batch * 10)}): a false alarm every {MonitorSpec.Format(every)} with batches of {MonitorSpec.Format(batch)} is not a monitor", Get(map, "false_alarm_every"));
        }

        if (learn < batch)
        {
            Error("learn", $"expected at least one batch ({MonitorSpec.Format(batch)}), got {MonitorSpec.Format(learn)}", Get(map, "learn") ?? map);
        }

        if (baseline < learn)
        {
            Error("baseline", $"the baseline window ({MonitorSpec.Format(baseline)}) must be at least as long as learn ({MonitorSpec.Format(learn)})", Get(map, "baseline") ?? map);
        }

        if (seasonality == MonitorSeasonality.Daily && learn < TimeSpan.FromDays(1))
        {
            Error("learn", $"seasonality: daily compares each batch with the same hour of earlier days, so learn must be at least 1d, got {MonitorSpec.Format(learn)} (or set seasonality: none)", Get(map, "learn") ?? map);
        }

        return deployment is null || signals.IsDefault ? null : new MonitorManifest(index, new MonitorSpec(deployment, signals, every, batch, baseline, learn, seasonality, alerts));
    }

    private ImmutableArray<string> MonitorSignals(MappingNode map)
    {
        var node = Get(map, "signals");
        const string Expected = "a list of signal names such as [error_rate, timeout_rate]";
        if (node is null)
        {
            Error("signals", $"required field is missing: expected {Expected}", map);
            return default;
        }

        if (node is not SequenceNode { Items.Count: > 0 } list)
        {
            Error("signals", $"expected {Expected}, got {Describe(node)}", node);
            return default;
        }

        var signals = ImmutableArray.CreateBuilder<string>();
        for (var i = 0; i < list.Items.Count; i++)
        {
            var path = FieldPath.Item("signals", i);
            if (list.Items[i] is not ScalarNode { IsNull: false } scalar)
            {
                Error(path, $"expected a signal name, got {Describe(list.Items[i])}", list.Items[i]);
                continue;
            }

            switch (Rollouts.Signals.KindOf(scalar.Text))
            {
                case SignalKind.Rate or SignalKind.Count or SignalKind.Quantile when signals.Contains(scalar.Text):
                    Error(path, $"'{scalar.Text}' is listed twice", scalar);
                    break;
                case SignalKind.Rate or SignalKind.Count or SignalKind.Quantile:
                    signals.Add(scalar.Text);
                    break;
                case SignalKind.Agreement:
                    Error(path, $"'{scalar.Text}' is not watched by monitors: it compares a shadow with stable, and a monitor watches stable alone; expected one of {MonitorSignalNames}", scalar);
                    break;
                default:
                    Error(path, $"'{Shorten(scalar.Text)}' is not a signal: expected one of {MonitorSignalNames}", scalar);
                    break;
            }
        }

        return signals.Count == list.Items.Count ? signals.ToImmutable() : default;
    }

    private static string MonitorSignalNames => string.Join(", ", Rollouts.Signals.Names.Split(", ").Where(s => Rollouts.Signals.KindOf(s) is not SignalKind.Agreement));

    private TimeSpan? MonitorDuration(MappingNode map, string key)
    {
        const string Expected = "a duration such as 30s, 5m, 1h30m or 30d";
        var text = Text(map, string.Empty, key, Expected);
        if (text is null)
        {
            return null;
        }

        if (RolloutSpecParser.TryParseDuration(text, out var duration))
        {
            return duration;
        }

        Error(key, $"'{Shorten(text)}' is not a duration: expected {Expected} (greater than zero, at most 366d)", Get(map, key));
        return null;
    }

    private MonitorSeasonality Seasonality(MappingNode map)
    {
        switch (Text(map, string.Empty, "seasonality", "daily or none"))
        {
            case null or "daily":
                return MonitorSeasonality.Daily;
            case "none":
                return MonitorSeasonality.None;
            case var other:
                Error("seasonality", $"'{Shorten(other)}' is not a seasonality: expected daily or none", Get(map, "seasonality"));
                return MonitorSeasonality.Daily;
        }
    }

    /// <summary>
    /// <c>- webhook: URL</c> (with optional <c>slack: true</c>), as in rollouts, or <c>- slack: URL</c> (PRODUCT.md's form for a
    /// Slack incoming webhook).
    /// </summary>
    private ImmutableArray<AlertTarget> MonitorAlerts(MappingNode map)
    {
        var node = Get(map, "alerts");
        if (node is null)
        {
            return [];
        }

        if (node is not SequenceNode list)
        {
            Error("alerts", $"expected a list of alert targets such as - webhook: http://host/hook, got {Describe(node)}", node);
            return [];
        }

        var alerts = ImmutableArray.CreateBuilder<AlertTarget>();
        for (var i = 0; i < list.Items.Count; i++)
        {
            var path = FieldPath.Item("alerts", i);
            if (list.Items[i] is not MappingNode item)
            {
                Error(path, $"expected a mapping with webhook (and slack: true) or slack: URL, got {Describe(list.Items[i])}", list.Items[i]);
                continue;
            }

            CheckKnown(item, path, ["webhook", "slack"]);
            var webhook = Text(item, path, "webhook", "an absolute http or https URL");
            var slack = Text(item, path, "slack", "true, false or a Slack webhook URL");
            var (url, key, isSlack) = (webhook, slack) switch
            {
                (null, null) => (null, "webhook", false),
                (null, _) => (slack, "slack", true),
                (_, null or "false") => (webhook, "webhook", false),
                (_, "true") => (webhook, "webhook", true),
                _ => (null, "slack", false),
            };
            if (webhook is null && slack is null)
            {
                Error(FieldPath.Child(path, "webhook"), "required field is missing: expected webhook: URL or slack: URL", item);
            }
            else if (url is null)
            {
                Error(FieldPath.Child(path, "slack"), $"expected true or false beside webhook, got '{Shorten(slack!)}'", Get(item, "slack"));
            }
            else if (Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https" && uri.Host.Length > 0)
            {
                alerts.Add(new AlertTarget(uri, isSlack));
            }
            else
            {
                Error(FieldPath.Child(path, key), $"'{Shorten(url)}' is not an absolute http or https URL", Get(item, key));
            }
        }

        return alerts.ToImmutable();
    }
}
