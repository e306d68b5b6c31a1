namespace Switchback.Cli.Client;

/// <summary>Where to connect, with which key, and how to print.</summary>
internal sealed record ClientSettings(string Server, string? ApiKey, bool Json);
