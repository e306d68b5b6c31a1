namespace Switchback.Cli.Demo;

/// <summary>The story did not happen as told; the message says what went wrong.</summary>
internal sealed class DemoFailedException(string message) : Exception(message);
