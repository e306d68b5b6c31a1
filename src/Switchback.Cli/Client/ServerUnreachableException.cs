namespace Switchback.Cli.Client;

/// <summary>The server could not be reached at all (connection refused, DNS, timeout).</summary>
internal sealed class ServerUnreachableException(string server, string reason, Exception inner)
    : Exception($"cannot reach the Switchback server at {server}: {reason}", inner)
{
    public string Server { get; } = server;
}
