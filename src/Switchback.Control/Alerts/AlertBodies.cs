using System.Globalization;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Switchback.Control.Alerts;

/// <summary>The generic JSON body of an alert; <see cref="SlackBody"/> builds the Slack one.</summary>
internal static class AlertBodies
{
    /// <summary>Switchback's version as sent in bodies and the User-Agent, without the source-revision suffix.</summary>
    public static string Version { get; } = ReadVersion();

    /// <summary>The Slack-compatible body when <paramref name="slack"/> is true, the generic one otherwise.</summary>
    public static byte[] For(AlertMessage alert, bool slack) =>
        JsonSerializer.SerializeToUtf8Bytes(slack ? SlackBody.Build(alert, Version) : Generic(alert, Version));

    /// <summary><c>{"kind","deployment","rollout_id","summary","evidence","time","switchback":{"version"}}</c>.</summary>
    public static JsonObject Generic(AlertMessage alert, string version) => new()
    {
        ["kind"] = alert.Kind,
        ["deployment"] = alert.Deployment,
        ["rollout_id"] = alert.RolloutId,
        ["summary"] = alert.Summary,
        ["evidence"] = alert.Evidence.DeepClone(),
        ["time"] = Time(alert.Time),
        ["switchback"] = new JsonObject { ["version"] = version },
    };

    /// <summary>ISO 8601 in UTC with milliseconds, e.g. <c>2025-03-01T12:00:00.000Z</c>.</summary>
    public static string Time(DateTimeOffset time) =>
        time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    private static string ReadVersion()
    {
        var version = typeof(AlertBodies).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0";
        var plus = version.IndexOf('+', StringComparison.Ordinal);
        return plus < 0 ? version : version[..plus];
    }
}
