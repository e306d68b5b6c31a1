namespace Switchback.Core.Rollouts;

/// <summary>Where alerts go: a webhook receiving generic JSON, or a Slack-compatible body when <see cref="Slack"/>.</summary>
/// <param name="Webhook">Absolute http or https URL.</param>
/// <param name="Slack">Send a Slack-compatible body instead of the generic JSON.</param>
public sealed record AlertTarget(Uri Webhook, bool Slack);
