namespace Switchback.Control.Alerts;

/// <summary>A webhook that receives alerts: a generic JSON body, or a Slack-compatible one when <paramref name="Slack"/> is true.</summary>
public sealed record AlertReceiver(Uri Webhook, bool Slack = false);
