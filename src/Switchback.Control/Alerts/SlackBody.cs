using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Switchback.Control.Alerts;

/// <summary>
/// A Slack incoming-webhook payload: <c>text</c> (the notification fallback) and Block Kit <c>blocks</c> — a mrkdwn section
/// with the headline and summary, a section whose <c>fields</c> hold the evidence, and a context line. Slack refuses the whole
/// message when a limit is passed (section text 3,000 characters, at most 10 fields of 2,000), so texts are cut to fit.
/// </summary>
internal static class SlackBody
{
    private const int MaxSectionText = 3000;
    private const int MaxFields = 10;
    private const int MaxFieldText = 2000;

    public static JsonObject Build(AlertMessage alert, string version)
    {
        var summary = string.IsNullOrWhiteSpace(alert.Summary) ? $"{alert.Kind}: {alert.Deployment}" : alert.Summary;
        var rollout = alert.RolloutId is null ? "" : $" · rollout `{Escape(alert.RolloutId)}`";
        var headline = $"*{Escape(Title(alert.Kind))}* · `{Escape(alert.Deployment)}`{rollout}\n{Escape(summary)}";
        var blocks = new JsonArray { Section(Cut(headline, MaxSectionText)) };
        var fields = EvidenceFields(alert.Evidence);
        if (fields.Count > 0)
        {
            blocks.Add(new JsonObject { ["type"] = "section", ["fields"] = fields });
        }

        blocks.Add(new JsonObject
        {
            ["type"] = "context",
            ["elements"] = new JsonArray { Mrkdwn($"Switchback {Escape(version)} · {AlertBodies.Time(alert.Time)}") },
        });
        return new JsonObject { ["text"] = Cut(summary, MaxSectionText), ["blocks"] = blocks };
    }

    /// <summary>Slack mrkdwn treats &amp;, &lt; and &gt; as control characters; everything else is literal.</summary>
    public static string Escape(string text) =>
        text.Replace("&", "&amp;", StringComparison.Ordinal).Replace("<", "&lt;", StringComparison.Ordinal).Replace(">", "&gt;", StringComparison.Ordinal);

    private static JsonArray EvidenceFields(JsonObject evidence)
    {
        var leaves = new List<(string Path, string Value)>();
        Flatten(evidence, "", leaves);
        var fields = new JsonArray();
        var shown = leaves.Count <= MaxFields ? leaves.Count : MaxFields - 1;
        foreach (var (path, value) in leaves.Take(shown))
        {
            fields.Add(Mrkdwn(Cut($"*{Escape(path)}*\n{Escape(value)}", MaxFieldText)));
        }

        if (shown < leaves.Count)
        {
            fields.Add(Mrkdwn($"*…*\n{leaves.Count - shown} more in the audit log"));
        }

        return fields;
    }

    private static void Flatten(JsonNode? node, string path, List<(string, string)> leaves)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (key, child) in obj)
                {
                    Flatten(child, path.Length == 0 ? key : $"{path}.{key}", leaves);
                }

                break;
            case JsonArray array:
                for (var i = 0; i < array.Count; i++)
                {
                    Flatten(array[i], $"{path}[{i.ToString(CultureInfo.InvariantCulture)}]", leaves);
                }

                break;
            case JsonValue value when value.GetValueKind() == JsonValueKind.String:
                leaves.Add((path, value.GetValue<string>()));
                break;
            default:
                leaves.Add((path, node?.ToJsonString() ?? "null"));
                break;
        }
    }

    private static string Title(string kind)
    {
        var words = kind.Replace('_', ' ');
        return words.Length == 0 ? words : char.ToUpperInvariant(words[0]) + words[1..];
    }

    private static JsonObject Section(string text) => new() { ["type"] = "section", ["text"] = Mrkdwn(text) };

    private static JsonObject Mrkdwn(string text) => new() { ["type"] = "mrkdwn", ["text"] = text };

    private static string Cut(string text, int max)
    {
        if (text.Length <= max)
        {
            return text;
        }

        var builder = new StringBuilder(text, 0, max - 1, max);
        return builder.Append('…').ToString();
    }
}
