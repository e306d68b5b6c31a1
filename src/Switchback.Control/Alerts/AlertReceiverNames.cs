using System.IO.Hashing;
using System.Text;

namespace Switchback.Control.Alerts;

/// <summary>
/// Receiver names safe to log and show. A webhook URL often is the secret (a Slack URL's path is its token), so only
/// scheme, host and port are shown, with a short hash of the whole URL to tell receivers on one host apart.
/// </summary>
public static class AlertReceiverNames
{
    /// <summary>E.g. <c>https://hooks.slack.com/…#1a2b3c4d</c>; never contains the path, query or user info.</summary>
    public static string Of(AlertReceiver receiver)
    {
        ArgumentNullException.ThrowIfNull(receiver);
        var url = receiver.Webhook;
        var hash = Convert.ToHexStringLower(XxHash32.Hash(Encoding.UTF8.GetBytes(url.OriginalString)));
        var shown = url.IsAbsoluteUri ? $"{url.Scheme}://{url.Authority}/…" : "(relative URL)";
        return $"{shown}#{hash}{(receiver.Slack ? " (slack)" : "")}";
    }
}
